import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './support/fixtures';

/**
 * The requester's seed story, in order on one server (rule 5: no overlapping activations
 * of the same role and scope, so finance-test is deactivated before it is activated again).
 */
test.describe.configure({ mode: 'serial' });

const main = (page: Page) => page.getByRole('main');

async function openActivate(page: Page, role = 'Owner') {
  await page.goto('/my-roles');
  await page.getByRole('button', { name: new RegExp(`^Activate ${role} on`) }).click();
  const dialog = page.getByRole('dialog', { name: new RegExp(`Activate ${role}`) });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Pick exactly these scopes in the dialog's tree. */
async function choose(
  dialog: ReturnType<Page['getByRole']>,
  scopes: string[],
  all = ['Blue Widget Co', 'finance-test', 'finance-dev', 'finance-prod'],
) {
  for (const name of all) {
    const box = dialog.getByRole('checkbox', { name, exact: true });
    if ((await box.isChecked()) !== scopes.includes(name)) await box.click();
  }
}

async function fill(dialog: ReturnType<Page['getByRole']>, justification = 'Deploy the finance hotfix') {
  await dialog.getByLabel('Duration (minutes)').fill('60');
  await dialog.getByLabel(/^Justification/).fill(justification);
}

test('Jen: a wrong TOTP code is refused, the right one accepted (finance-dev, first MFA step)', async ({ page, signInAs, totp }) => {
  await signInAs(page, 'jen');
  const dialog = await openActivate(page);
  await choose(dialog, ['finance-dev']);
  await expect(dialog.getByText('Owner on Tenant › Blue Widget Co › finance-dev')).toBeVisible();
  await expect(dialog.getByText(/Active at once/).first()).toBeVisible();
  await fill(dialog);
  await dialog.getByLabel('MFA code').fill('000000');
  await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(dialog.getByText(/That code is not right/).first()).toBeVisible();
  await expect(dialog.getByText('Nothing was requested', { exact: true })).toBeVisible();
  await dialog.getByLabel('MFA code').fill(await totp.code('jen'));
  await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(dialog.getByText('Submitted 1 request: 1 active at once.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('tab', { name: /^Active/ }).click();
  await expect(main(page).getByRole('row').filter({ hasText: 'finance-dev' })).toContainText('Activated');

  // she deactivates it again (confirm + justification)
  await main(page)
    .getByRole('button', { name: /^Deactivate Owner on .*finance-dev$/ })
    .click();
  const confirm = page.getByRole('dialog', { name: 'Deactivate role' });
  await confirm.getByLabel(/^Justification/).fill('Done with it');
  await confirm.getByRole('button', { name: 'Deactivate' }).click();
  await expect(confirm.getByText(/Deactivated/)).toBeVisible();
  await confirm.getByRole('button', { name: 'Done' }).click();
  await expect(main(page).getByText('You hold no active role right now.')).toBeVisible();
});

test('Jen: finance-test alone, then finance-test and finance-dev together: all active at once', async ({ page, signInAs, totp }) => {
  await signInAs(page, 'jen');
  let dialog = await openActivate(page);
  await choose(dialog, ['finance-test']);
  await fill(dialog);
  // a new sign-in session: MFA again
  await dialog.getByLabel('MFA code').fill(await totp.code('jen'));
  await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(dialog.getByText('Submitted 1 request: 1 active at once.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();

  await page.getByRole('tab', { name: /^Active/ }).click();
  await main(page)
    .getByRole('button', { name: /^Deactivate Owner on .*finance-test$/ })
    .click();
  const confirm = page.getByRole('dialog', { name: 'Deactivate role' });
  await confirm.getByRole('button', { name: 'Deactivate' }).click();
  await confirm.getByRole('button', { name: 'Done' }).click();

  dialog = await openActivate(page);
  await choose(dialog, ['finance-test', 'finance-dev']);
  await fill(dialog);
  // MFA was verified in this session a moment ago: no second code
  await expect(dialog.getByLabel('MFA code')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Activate 2 scopes' }).click();
  await expect(dialog.getByText('Submitted 2 requests: 2 active at once.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('tab', { name: /^Active/ }).click();
  await expect(main(page).getByRole('button', { name: /^Deactivate Owner on/ })).toHaveCount(2);
});

test('Jen: finance-prod and the subscription wait for Avery; she cancels one; Avery hears of it', async ({
  page,
  signInAs,
  totp,
  personaPage,
}) => {
  await signInAs(page, 'jen');
  let dialog = await openActivate(page);
  await choose(dialog, ['finance-prod']);
  await expect(dialog.getByText(/Needs approval from Avery; the request times out after 1 d/)).toBeVisible();
  await fill(dialog, 'Production incident 4711');
  await dialog.getByLabel('MFA code').fill(await totp.code('jen'));
  await dialog.getByRole('button', { name: 'Request approval', exact: true }).click();
  await expect(dialog.getByText('Submitted 1 request: 1 waiting for approval.')).toBeVisible();
  await expect(dialog.getByText(/Needs approval from Avery/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();

  dialog = await openActivate(page);
  await choose(dialog, ['Blue Widget Co']);
  await fill(dialog, 'Subscription-wide change');
  await dialog.getByRole('button', { name: 'Request approval', exact: true }).click();
  await expect(dialog.getByText('Submitted 1 request: 1 waiting for approval.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();

  await page.goto('/requests');
  const prod = main(page).getByRole('row').filter({ hasText: 'finance-prod' });
  await expect(prod).toContainText('Pending approval');
  await expect(prod).toContainText('Avery');
  await expect(prod).toContainText('Production incident 4711');

  // the approver is told, live in the bell
  const avery = await personaPage('avery');
  await expect(avery.getByRole('button', { name: /Notifications, 2 unread/ })).toBeVisible();
  await avery.getByRole('button', { name: /Notifications/ }).click();
  await expect(avery.getByRole('region', { name: 'Notifications' })).toContainText('Jen asks for Owner on finance-prod');

  // cancel the subscription request
  await main(page).getByRole('button', { name: 'Cancel request for Owner on Tenant › Blue Widget Co', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Cancel this request?' });
  await confirm.getByRole('button', { name: 'Cancel request' }).click();
  await expect(confirm.getByText('Request canceled.')).toBeVisible();
  await confirm.getByRole('button', { name: 'Done' }).click();
  await page.goto('/requests?status=past');
  await expect(main(page).getByRole('row').filter({ hasText: 'Canceled' })).toHaveCount(1);
  // the type filter runs in SQL: only her deactivations (from the first two tests)
  await page.goto('/requests?type=SelfDeactivate');
  await expect(main(page).getByLabel('Type', { exact: true })).toHaveValue('SelfDeactivate');
  await expect(main(page).getByRole('link', { name: 'Deactivation of Owner' }).first()).toBeVisible();
  await expect(main(page).getByRole('link', { name: 'Activation of Owner', exact: true })).toHaveCount(0);
  // a damaged page link says so and shows the newest requests
  await page.goto('/requests?after=not-a-cursor');
  await expect(main(page).getByText('That page link is not one of this list’s; showing the newest requests.')).toBeVisible();
  await expect(main(page).getByRole('row').filter({ hasText: 'finance-prod' })).toContainText('Pending approval');

  // the detail page draws the timeline
  await page.goto('/requests?status=pending');
  await main(page).getByRole('link', { name: 'Activation of Owner' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('finance-prod');
  const timeline = page.getByRole('list', { name: 'Request timeline' });
  await expect(timeline).toContainText('Submitted');
  await expect(timeline).toContainText('MFA verified');
  await expect(timeline).toContainText('Waiting for Avery');
});

test('Sam activates Contributor on finance-dev; My roles has no serious accessibility violation', async ({ page, signInAs, totp }) => {
  await signInAs(page, 'sam');
  await page.goto('/my-roles');
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  const dialog = await openActivate(page, 'Contributor');
  // nothing is chosen for him: he ticks the eligible scope
  await expect(dialog.getByRole('checkbox', { name: 'finance-dev', exact: true })).not.toBeChecked();
  await dialog.getByRole('checkbox', { name: 'finance-dev', exact: true }).check();
  // the scopes below load from the server as a scope is opened (the eligible one is open)
  await expect(dialog.getByRole('checkbox', { name: 'finance-dev-vm1', exact: true })).toBeVisible();
  await dialog.getByRole('button', { name: 'Hide the scopes below finance-dev' }).click();
  await expect(dialog.getByRole('checkbox', { name: 'finance-dev-vm1', exact: true })).toHaveCount(0);
  // search runs on the server, under the eligible scope only, and says where each match is
  await dialog.getByLabel('Search scopes').fill('vm2');
  const matches = dialog.getByRole('list', { name: 'Matching scopes' });
  await expect(matches).toContainText('Tenant › Blue Widget Co › finance-dev › finance-dev-vm2');
  await expect(matches).not.toContainText('finance-prod');
  await dialog.getByLabel('Search scopes').fill('');
  await expect(dialog.getByRole('checkbox', { name: 'finance-dev', exact: true })).toBeChecked();
  // bad input: too long and no justification; both said on the form, nothing requested
  await dialog.getByLabel('Duration (minutes)').fill('600');
  const code = await totp.code('sam');
  await dialog.getByLabel('MFA code').fill(code);
  await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(dialog.getByText('8 h is the maximum here', { exact: true })).toBeVisible();
  await expect(dialog.getByText(/A justification is required for Contributor on .*finance-dev/).first()).toBeVisible();
  await expect(dialog.getByLabel('Duration (minutes)')).toHaveAttribute('aria-invalid', 'true');
  await fill(dialog, 'Release 2.3');
  // the refused attempt did not spend the code: the same one works now
  await dialog.getByLabel('MFA code').fill(code);
  const dialogAxe = await new AxeBuilder({ page }).include('dialog[open]').analyze();
  expect(dialogAxe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(dialog.getByText('Submitted 1 request: 1 active at once.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('tab', { name: /^Active/ }).click();
  await expect(main(page).getByRole('row').filter({ hasText: 'Contributor' })).toContainText('Activated');
  await expect(main(page).getByRole('row').filter({ hasText: 'Reader' })).toContainText('Assigned');
  // the search runs on the server (role or scope name) and keeps the tab shown
  await main(page).getByLabel('Search by role or scope name').fill('reader');
  await main(page).getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/\/my-roles\?tab=active&q=reader$/);
  await expect(main(page).getByRole('row').filter({ hasText: 'Reader' })).toContainText('Assigned');
  await expect(main(page).getByRole('row').filter({ hasText: 'Contributor' })).toHaveCount(0);
  await page.goto('/requests');
  await expect(main(page).getByRole('row').filter({ hasText: 'Contributor' })).toContainText('Release 2.3');
  const requestsAxe = await new AxeBuilder({ page }).analyze();
  expect(requestsAxe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
});
