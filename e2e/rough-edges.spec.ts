import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/fixtures';

/**
 * Issue 15, section 3: the rough edges a new user hits. Each test opens the page as the
 * persona who meets the edge and checks what they notice. One server for the file; the
 * tests use different (role, scope) pairs, so they do not trip over each other (rule 5).
 */
test.describe.configure({ mode: 'serial' });

const PATH = 'Tenant › Blue Widget Co';
const main = (page: Page) => page.getByRole('main');
/** Jen's approved request (second test), which Sam may not see (last test). */
let jensRequest = '';

/** Jen opens the activation dialog for her Owner eligibility on the subscription. */
async function openActivate(page: Page) {
  await page.goto('/my-roles');
  await page.getByRole('button', { name: /^Activate Owner on/ }).click();
  const dialog = page.getByRole('dialog', { name: /Activate Owner/ });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** The dialog sits in the middle of the viewport (not in its top-left corner). */
async function expectCentred(page: Page, dialog: Locator) {
  const box = (await dialog.boundingBox())!;
  const view = page.viewportSize()!;
  expect(Math.abs(box.x + box.width / 2 - view.width / 2)).toBeLessThan(4);
  expect(Math.abs(box.y + box.height / 2 - view.height / 2)).toBeLessThan(4);
  expect(box.x).toBeGreaterThan(8);
  expect(box.y).toBeGreaterThan(8);
}

const focusInsideDialog = (page: Page) =>
  page.evaluate(() => Boolean(document.querySelector('dialog[open]')?.contains(document.activeElement)));

/** A required field: the `required` attribute for assistive technology, a mark people see. */
async function expectRequired(field: Locator) {
  await expect(field).toHaveAttribute('required', '');
  const id = await field.getAttribute('id');
  const mark = field.page().locator(`label[for="${id}"] [data-required]`);
  await expect(mark).toBeVisible();
  expect(await mark.evaluate((el) => getComputedStyle(el, '::after').content)).toBe('"*"');
}

/** The `dateTime` of the <time> elements inside a locator. */
const times = (where: Locator) => where.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));

async function submitOwnerRequest(page: Page, totp: { code: (p: 'jen') => Promise<string> }, scope: string, justification: string) {
  const dialog = await openActivate(page);
  await dialog.getByRole('checkbox', { name: scope, exact: true }).check();
  await dialog.getByLabel('Duration (minutes)').fill('60');
  await dialog.getByLabel(/^Justification/).fill(justification);
  const code = dialog.getByLabel('MFA code');
  if (await code.isVisible()) await code.fill(await totp.code('jen'));
  // the button says what the click does: this scope needs approval, so it asks for it
  await dialog.getByRole('button', { name: 'Request approval', exact: true }).click();
  await expect(dialog.getByText('Submitted 1 request: 1 waiting for approval.')).toBeVisible();
  const href = (await dialog.getByRole('link', { name: 'View request' }).getAttribute('href'))!;
  await dialog.getByRole('button', { name: 'Done' }).click();
  return href;
}

test('the activation dialog starts with nothing ticked and says on its button when it would ask for approval', async ({
  page,
  signInAs,
  totp,
}) => {
  await signInAs(page, 'jen');
  const dialog = await openActivate(page);
  await expectCentred(page, dialog);
  expect(await focusInsideDialog(page)).toBe(true);
  // nothing is ticked, not even the subscription she is eligible on (which needs approval)
  await expect(dialog.getByRole('checkbox', { name: 'finance-test', exact: true })).toBeVisible();
  await expect(dialog.getByRole('checkbox', { checked: true })).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Activate', exact: true })).toBeDisabled();

  await dialog.getByRole('checkbox', { name: 'Blue Widget Co', exact: true }).check();
  await expect(dialog.getByRole('button', { name: 'Request approval', exact: true })).toBeEnabled();
  await dialog.getByRole('checkbox', { name: 'finance-test', exact: true }).check();
  await expect(dialog.getByRole('button', { name: 'Activate 1 and request approval for 1', exact: true })).toBeVisible();
  await dialog.getByRole('checkbox', { name: 'Blue Widget Co', exact: true }).uncheck();
  await expect(dialog.getByRole('button', { name: 'Activate', exact: true })).toBeEnabled();

  // a refusal says "Nothing was requested" once, as the heading, not again in the message
  await dialog.getByLabel('Duration (minutes)').fill('60');
  await dialog.getByLabel(/^Justification/).fill('Patch the finance-test machines');
  await expectRequired(dialog.getByLabel('MFA code'));
  await dialog.getByLabel('MFA code').fill('000000');
  await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
  const alert = dialog.getByRole('alert');
  await expect(alert).toContainText('That code is not right');
  expect((await alert.textContent())!.match(/Nothing was requested/g)).toHaveLength(1);

  await dialog.getByLabel('MFA code').fill(await totp.code('jen'));
  await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(dialog.getByText('Submitted 1 request: 1 active at once.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();

  // My requests speaks the portal's words: Active, never Azure's "Provisioned"
  await page.goto('/requests');
  await expect(main(page).getByRole('row').filter({ hasText: 'finance-test' })).toContainText('Active');
  await expect(main(page)).not.toContainText('Provisioned');
});

test('after approval the request page shows only the approved window; a denied one shows no end time and no deadline', async ({
  page,
  signInAs,
  personaPage,
  totp,
}) => {
  // two requests, two decisions and up to three TOTP steps: more than the default two minutes on a busy machine
  test.slow();
  await signInAs(page, 'jen');
  const prodHref = await submitOwnerRequest(page, totp, 'finance-prod', 'Quarter-end fix');
  const subHref = await submitOwnerRequest(page, totp, 'Blue Widget Co', 'Rotate the subscription keys');
  jensRequest = prodHref;

  // while pending: what was asked, and the deadline
  await page.goto(prodHref);
  const details = page.getByRole('region', { name: 'Details' });
  await expect(details).toContainText('Requested window');
  await expect(details).toContainText('1 h from approval');
  await expect(details).toContainText('Approval deadline');

  const avery = await personaPage('avery');
  await avery.goto('/approvals');
  // the decide dialog: centred, focus inside, Escape closes it and focus returns to the button
  const approve = avery.getByRole('button', { name: `Approve Jen's request for Owner on ${PATH} › finance-prod` });
  await approve.click();
  const dialog = avery.getByRole('dialog', { name: 'Approve this request?' });
  await expect(dialog).toBeVisible();
  await expectCentred(avery, dialog);
  expect(await focusInsideDialog(avery)).toBe(true);
  await expectRequired(dialog.getByLabel('Justification'));
  await avery.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(approve).toBeFocused();

  await approve.click();
  await dialog.getByLabel('Justification').fill('Agreed in the change board');
  await dialog.getByLabel('MFA code').fill(await totp.code('avery'));
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(main(avery).getByRole('status').filter({ hasText: 'Approved the request.' })).toBeVisible();

  await avery.getByRole('button', { name: `Deny Jen's request for Owner on ${PATH}`, exact: true }).click();
  const deny = avery.getByRole('dialog', { name: 'Deny this request?' });
  await expectRequired(deny.getByLabel('Justification'));
  await deny.getByLabel('Justification').fill('Use finance-prod for this');
  await deny.getByRole('button', { name: 'Deny', exact: true }).click();
  await expect(main(avery).getByRole('status').filter({ hasText: 'Denied the request.' })).toBeVisible();

  // approved: one window, the one the timeline shows (from the approval), no deadline
  await page.goto(prodHref);
  await expect(main(page).getByText('Active', { exact: true }).first()).toBeVisible();
  await expect(details).not.toContainText('Requested window');
  await expect(details).not.toContainText('Approval deadline');
  const window = details.getByRole('definition').filter({ hasText: /^from / });
  await expect(window).toHaveCount(1);
  const timeline = page.getByRole('list', { name: 'Request timeline' });
  const active = await times(timeline.getByRole('listitem').filter({ hasText: /^Active/ }));
  const ends = await times(timeline.getByRole('listitem').filter({ hasText: /^Ends/ }));
  expect(await times(window)).toEqual([...active, ...ends]);
  await expect(details).toContainText('Approved by Avery');

  // denied: no window, no "until", no deadline; when and why it was denied
  await page.goto(subHref);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Blue Widget Co');
  await expect(main(page).getByText('Denied', { exact: true }).first()).toBeVisible();
  await expect(details).toContainText('Requested duration');
  await expect(details).toContainText('Denied by Avery');
  for (const stale of ['until', 'Approval deadline', 'times out', 'Requested window']) await expect(details).not.toContainText(stale);
});

test('after creating a user, Steve is offered an assignment and approver rights for them, in the forms that do it', async ({
  page,
  signInAs,
}) => {
  await signInAs(page, 'steve');
  await page.goto('/admin/users');
  const card = page.getByRole('region', { name: 'Create a user', exact: true });
  await expect(card.getByRole('heading', { name: 'Create a user', exact: true })).toBeVisible();
  await expectRequired(card.getByLabel('Display name'));
  await card.getByLabel('Display name').fill('Riley Reviewer');
  await card.getByLabel('E-mail').fill('riley@bluewidget.test');
  await card.getByRole('button', { name: 'Create user' }).click();
  await expect(card.getByText('Created Riley Reviewer.')).toBeVisible();

  const next = card.getByRole('region', { name: 'Next for Riley Reviewer' });
  await next.getByLabel('Where').selectOption({ label: `${PATH} › finance-dev` });
  await next.getByLabel('Which role').selectOption({ label: 'Contributor' });
  // hiding the password keeps the next steps
  await card.getByRole('button', { name: 'I have noted the password: hide it' }).click();
  const approverLink = (await next.getByRole('link', { name: 'Make approver for Riley Reviewer' }).getAttribute('href'))!;
  await next.getByRole('link', { name: 'Add an assignment for Riley Reviewer' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'finance-dev' })).toBeVisible();
  const form = page.getByRole('region', { name: 'Add assignment' });
  await expect(form.getByRole('combobox', { name: 'User or group' })).toHaveValue('Riley Reviewer (riley@bluewidget.test)');
  await expect(form.getByLabel('Role').locator('option:checked')).toHaveText('Contributor');

  await page.goto(approverLink);
  await expect(page.getByRole('heading', { level: 1, name: 'finance-dev' })).toBeVisible();
  await expect(main(page).getByRole('heading', { name: 'Contributor settings' })).toBeVisible();
  await expect(main(page).getByRole('checkbox', { name: /^Riley Reviewer/ })).toBeChecked();
  await expect(main(page).getByText('Save to name them approver for Contributor')).toBeVisible();
});

test('admin dialogs are centred, keep focus, close on Escape and mark required fields', async ({ page, signInAs }) => {
  await signInAs(page, 'steve');
  await page.goto('/admin/users?q=sam');
  const open = main(page)
    .getByRole('listitem')
    .filter({ hasText: 'sam@bluewidget.test' })
    .getByRole('button', { name: 'Disable', exact: true });
  await open.click();
  const dialog = page.getByRole('dialog', { name: 'Disable Sam?' });
  await expect(dialog).toBeVisible();
  await expectCentred(page, dialog);
  expect(await focusInsideDialog(page)).toBe(true);
  await expectRequired(dialog.getByLabel('Justification'));
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();
});

test('Elevate has its icon and web manifest', async ({ page, request }) => {
  for (const [path, type] of [
    ['/favicon.ico', /image\/(x-icon|vnd\.microsoft\.icon)/],
    ['/favicon.svg', /image\/svg\+xml/],
    ['/icons/icon-192.png', /image\/png/],
    ['/icons/icon-512.png', /image\/png/],
    ['/icons/apple-touch-icon.png', /image\/png/],
    ['/manifest.webmanifest', /application\/manifest\+json|application\/json/],
  ] as const) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.status(), path).toBe(200);
    expect(res.headers()['content-type'], path).toMatch(type);
  }
  const manifest = await (await request.get('/manifest.webmanifest')).json();
  expect(manifest.name).toBe('Elevate');
  expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  await page.goto('/sign-in');
  await expect(page.locator('head link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');
  await expect(page.locator('head link[rel="icon"]').first()).toHaveAttribute('href', /\/favicon\.(ico|svg)/);
});

test('Sam opens admin pages by URL: each says he may not, and the console stays clean', async ({ page, signInAs }) => {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  await signInAs(page, 'sam');
  const financeDev = '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55/resourcegroups/finance-dev';
  for (const url of [
    '/admin',
    '/admin/users',
    '/admin/audit',
    '/admin/resources',
    '/admin/connectors',
    `/admin/scope?id=${encodeURIComponent(financeDev)}`,
  ]) {
    await page.goto(url);
    await expect(main(page).getByRole('heading', { level: 1, name: "You don't have PIM management access here" })).toBeVisible();
    await expect(main(page).getByText('403 · Forbidden')).toBeVisible();
    await expect(main(page).getByRole('link', { name: 'Go to My roles' })).toBeVisible();
  }
  await expect(main(page)).toContainText('Managing PIM needs an active Owner or User Access Administrator');
  await page.goto('/admin/users');
  await expect(main(page)).toContainText('Users and groups are managed by tenant PIM administrators.');
  // someone else's request reads as not found, also without an error
  expect(jensRequest).not.toBe('');
  await page.goto(jensRequest);
  await expect(main(page).getByRole('heading', { level: 1, name: 'No such request' })).toBeVisible();
  await expect(main(page)).not.toContainText('Quarter-end fix');
  // and so does its page in the approvals area, which Sam does not approve
  await page.goto(jensRequest.replace('/requests/', '/approvals/'));
  await expect(main(page).getByRole('heading', { level: 1, name: 'No such request' })).toBeVisible();
  await expect(main(page)).not.toContainText('Quarter-end fix');
  expect(errors).toEqual([]);
});
