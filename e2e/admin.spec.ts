import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { TOTP, Secret } from 'otpauth';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/fixtures';

const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const SUB = '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55';
const FINANCE_DEV = `${SUB}/resourcegroups/finance-dev`;
const scopeUrl = (id: string, extra = '') => `/admin/scope?id=${encodeURIComponent(id)}${extra}`;
const main = (page: Page) => page.getByRole('main');
/** datetime-local value in the browser's zone (the test runner and Chromium share it) */
const localInput = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

/** The "Add assignment" form: the only form with an Assign button. */
const assignForm = (page: Page) => page.locator('form').filter({ has: page.getByRole('button', { name: 'Assign', exact: true }) });

/**
 * Principal pickers search the server as you type (a combobox with a listbox of at most 20
 * matches). Typed before hydration the search would not run, so type again until the
 * server's match shows, then choose it.
 */
async function pick(scope: Locator, box: string, text: string, option: string) {
  const combobox = scope.getByRole('combobox', { name: box });
  const choice = scope.getByRole('option', { name: option, exact: true });
  await expect(async () => {
    await combobox.fill('');
    await combobox.fill(text);
    await expect(choice).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 20_000 });
  await choice.click();
  await expect(scope.getByRole('listbox')).toBeHidden();
}

async function noSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes[0]?.target})`)).toEqual([]);
}

test.describe('admin experience', () => {
  test('Steve adds a subscription and enables PIM on it', async ({ page, signInAs }) => {
    await signInAs(page, 'steve');
    await page.goto('/admin');
    await expect(main(page).getByRole('list', { name: 'Alerts' })).toBeVisible();
    await expect(
      main(page).getByText('User Access Administrator held as a permanent active assignment on Tenant › Blue Widget Co'),
    ).toBeVisible();
    await noSeriousA11yViolations(page);
    await page.goto('/admin/resources');
    const add = page.locator('form').filter({ has: page.getByRole('button', { name: 'Add resource' }) });
    await add.getByLabel('Kind').selectOption('subscription');
    await add.getByLabel('Name').fill('Contoso Labs');
    await expect(add.getByLabel('Parent')).toHaveValue('');
    await add.getByRole('button', { name: 'Add resource' }).click();
    await expect(add.getByRole('status')).toHaveText('Added Contoso Labs.');

    const enable = main(page).getByRole('button', { name: 'Enable PIM on Contoso Labs' });
    await expect(enable).toBeVisible();
    await enable.click();
    // once managed it leaves the discover list
    await expect(main(page).getByText('PIM is enabled on every management group and subscription.')).toBeVisible();
    await expect(main(page).getByRole('link', { name: 'Contoso Labs' })).toBeVisible();
    await noSeriousA11yViolations(page);
  });

  test('Steve browses the resource tree one level at a time and finds a machine by search', async ({ page, signInAs }) => {
    await signInAs(page, 'steve');
    await page.goto('/admin/resources');
    const tree = main(page).getByRole('region', { name: 'Resource tree' });
    // the top level and the level under it come with the page; deeper levels load when opened
    await expect(tree.getByRole('link', { name: 'Blue Widget Co' })).toBeVisible();
    await expect(tree.getByRole('link', { name: 'finance-dev' })).toHaveCount(0);
    const open = tree.getByRole('button', { name: '3 children of Blue Widget Co' });
    await expect(open).toHaveAttribute('aria-expanded', 'false');
    await open.click();
    await expect(open).toHaveAttribute('aria-expanded', 'true');
    const groups = tree.getByRole('list', { name: 'Children of Blue Widget Co' });
    await expect(groups.getByRole('link')).toHaveText(['finance-dev', 'finance-prod', 'finance-test']);
    // finance-dev demands less than the subscription for Owner: marked, with why for screen readers
    await expect(groups.getByRole('listitem').filter({ hasText: 'finance-dev' }).first()).toContainText('Weaker than parent');
    await tree.getByRole('button', { name: '2 children of finance-prod' }).click();
    await expect(tree.getByRole('list', { name: 'Children of finance-prod' }).getByRole('link')).toHaveText([
      'finance-prod-vm1',
      'finance-prod-vm2',
    ]);
    await noSeriousA11yViolations(page);
    // search runs on the server and shows each hit with its path
    await tree.getByLabel('Search resources').fill('vm2');
    await tree.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/[?&]q=vm2/);
    const hits = tree.getByRole('list', { name: 'Search results' });
    await expect(hits.getByRole('listitem')).toHaveCount(3);
    await expect(hits.getByRole('listitem').filter({ hasText: 'finance-prod-vm2' })).toContainText('finance-prod');
    await hits.getByRole('link', { name: 'Open finance-prod-vm2' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'finance-prod-vm2' })).toBeVisible();
    // a damaged page link says so and shows the first page
    await page.goto('/admin/resources?q=vm&after=not-a-cursor');
    await expect(main(page).getByText('That page link is not valid any more; showing the first page.')).toBeVisible();
    await expect(main(page).getByRole('list', { name: 'Search results' }).getByRole('listitem')).toHaveCount(6);
  });

  test('Steve makes Jen eligible for Contributor on finance-dev, time-bound', async ({ page, signInAs }) => {
    await signInAs(page, 'steve');
    await page.goto(scopeUrl(FINANCE_DEV));
    await expect(page.getByRole('heading', { level: 1, name: 'finance-dev' })).toBeVisible();
    const form = assignForm(page);
    await pick(form, 'User or group', 'jen', 'Jen (jen@bluewidget.test)');
    await expect(form.getByRole('combobox', { name: 'User or group' })).toHaveValue('Jen (jen@bluewidget.test)');
    await form.getByLabel('Role').selectOption({ label: 'Contributor' });
    await expect(form.getByLabel('Eligible')).toBeChecked();
    await expect(form.getByLabel('Permanent')).toBeDisabled(); // the defaults forbid permanent eligible assignments
    await expect(form.getByLabel('Time-bound')).toBeChecked();
    await expect(form.getByText(/Outcome: eligible \(may activate\) Contributor on Tenant › Blue Widget Co › finance-dev/)).toBeVisible();
    await form.getByLabel(/^Justification/).fill('Quarter-end close');
    // longer than the settings allow: refused by the server, the error sits under End, the form keeps what was typed
    await form.getByLabel('End').fill(localInput(Date.now() + 2 * 365 * 86_400_000));
    await form.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect(
      form.getByText(/Assignments of Contributor on Tenant › Blue Widget Co › finance-dev may last at most 365 days/).first(),
    ).toBeVisible();
    await expect(form.getByRole('combobox', { name: 'User or group' })).toHaveValue('Jen (jen@bluewidget.test)');
    await expect(form.locator('input[type="hidden"][name="principal"]')).toHaveValue(/^User:/);
    await expect(form.getByLabel(/^Justification/)).toHaveValue('Quarter-end close');
    await form.getByLabel('End').fill(localInput(Date.now() + 90 * 86_400_000));
    await form.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect(form.getByRole('status')).toContainText('Assigned.');
    const list = main(page).getByRole('list', { name: 'eligible assignments' });
    const row = list.getByRole('listitem').filter({ hasText: 'Jen' }).filter({ hasText: 'Contributor' });
    await expect(row).toBeVisible();
    await expect(row).toContainText('Direct');
    await expect(row).toContainText('Until');
    // Jen's inherited Owner eligibility from the subscription shows read-only
    await expect(list.getByRole('listitem').filter({ hasText: 'Owner' }).filter({ hasText: 'Inherited from' })).toContainText('Read-only');
    await noSeriousA11yViolations(page);
  });

  test('Steve requires approval by Avery for Owner on finance-dev and sees the weaker VMs', async ({ page, signInAs }) => {
    await signInAs(page, 'steve');
    await page.goto(scopeUrl(FINANCE_DEV, `&tab=settings&role=${OWNER}`));
    await expect(main(page).getByText(/uses the built-in defaults/)).toBeVisible();
    await main(page).getByLabel('Require approval to activate').check();
    // no approver is named yet: the picker searches the directory, a pick adds a ticked approver
    await expect(main(page).getByRole('checkbox', { name: /^Avery/ })).toHaveCount(0);
    await pick(main(page), 'Add an approver', 'aver', 'Avery (avery@bluewidget.test)');
    await expect(main(page).getByRole('combobox', { name: 'Add an approver' })).toHaveValue('');
    await expect(main(page).getByRole('checkbox', { name: /^Avery/ })).toBeChecked();
    await main(page)
      .getByRole('checkbox', { name: /^Avery/ })
      .check();
    await main(page).getByRole('button', { name: 'Save settings' }).click();
    await expect(main(page).getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();
    const weaker = main(page).getByRole('list', { name: 'Weaker child scopes' });
    await expect(weaker).toContainText('finance-dev-vm1');
    await expect(weaker).toContainText('finance-dev-vm2');
    await expect(weaker).toContainText('approval is not required on Tenant › Blue Widget Co › finance-dev › finance-dev-vm1');
    await expect(main(page).getByRole('checkbox', { name: /^Avery/ })).toBeChecked();
    await noSeriousA11yViolations(page);
  });

  test('Steve creates a delegated approver who signs in, changes the password and enrols MFA', async ({ page, signInAs, browser, app }) => {
    await signInAs(page, 'steve');
    await page.goto('/admin/users');
    await noSeriousA11yViolations(page);
    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Create user' }) });
    await form.getByLabel('Display name').fill('Quinn Approver');
    await form.getByLabel('E-mail').fill('quinn@bluewidget.test');
    await form.getByLabel('Scope').selectOption({ label: 'Tenant › Blue Widget Co › finance-prod' });
    await form.getByLabel('Role').selectOption({ label: 'Owner' });
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(form.getByRole('list', { name: 'Approver on' })).toContainText('Owner on Tenant › Blue Widget Co › finance-prod');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(form.getByText('Created Quinn Approver and named them approver on 1 scope-role.')).toBeVisible();
    const password = (await form.getByLabel('Initial password', { exact: true }).textContent())!.trim();
    expect(password.length).toBeGreaterThanOrEqual(12);
    await expect(main(page).getByRole('list', { name: 'Users' })).toContainText('quinn@bluewidget.test');

    const context = await browser.newContext({ baseURL: app.url });
    const quinn = await context.newPage();
    await quinn.goto('/sign-in');
    await quinn.getByLabel('Email').fill('quinn@bluewidget.test');
    await quinn.getByLabel('Password').fill(password);
    await quinn.getByRole('button', { name: 'Sign in' }).click();
    await expect(quinn.getByRole('heading', { name: 'Welcome, Quinn Approver' })).toBeVisible();
    await quinn.getByLabel('Current (initial) password').fill(password);
    await quinn.getByLabel('New password', { exact: true }).fill('quinn-approves-things');
    await quinn.getByLabel('Confirm new password').fill('quinn-approves-things');
    await quinn.getByRole('button', { name: 'Change password' }).click();
    const key = (await quinn.getByLabel('Manual key').textContent())!.replace(/\s+/g, '');
    const code = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(key) }).generate();
    await quinn.getByLabel('6-digit code').fill(code);
    await quinn.getByRole('button', { name: 'Verify and finish' }).click();
    await expect(quinn.getByRole('heading', { level: 1, name: 'Hello, Quinn Approver' })).toBeVisible();
    await context.close();
  });

  test('Steve searches users, opens a group and adds a member by typing a name', async ({ page, signInAs }) => {
    await signInAs(page, 'steve');
    // a damaged page link says so and shows the first page, never an error
    await page.goto('/admin/users?after=not-a-cursor');
    await expect(main(page).getByText('That page link of users is out of date or damaged; showing the first page.')).toBeVisible();
    await expect(main(page).getByRole('list', { name: 'Users' })).toContainText('jen@bluewidget.test');
    // search runs on the server and stays in the URL; a handful of users fits one page
    const userSearch = main(page).getByRole('search', { name: 'Users search' });
    await userSearch.getByLabel('Search users').fill('SAM@blue');
    await userSearch.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/[?&]q=SAM%40blue/);
    const people = main(page).getByRole('list', { name: 'Users' });
    await expect(people).toContainText('sam@bluewidget.test');
    await expect(people).not.toContainText('jen@bluewidget.test');
    await expect(main(page).getByRole('navigation', { name: 'Pages of users' })).toHaveCount(0);

    const create = page.locator('form').filter({ has: page.getByRole('button', { name: 'Create group' }) });
    await create.getByLabel('Group name').fill('Finance approvers');
    await create.getByRole('button', { name: 'Create group' }).click();
    await expect(create.getByRole('status')).toHaveText('Group Finance approvers created.');
    await main(page).getByRole('list', { name: 'Groups' }).getByRole('link', { name: 'Finance approvers' }).click();
    const members = main(page).getByRole('region', { name: 'Members of Finance approvers' });
    await expect(members).toContainText('Finance approvers has no members.');
    await expect(page).toHaveURL(/[?&]q=SAM%40blue/); // the users search is kept
    await pick(members, 'Add member to Finance approvers', 'aver', 'Avery (avery@bluewidget.test)');
    await members.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(members.getByRole('status')).toHaveText('Member added.');
    await expect(members.getByRole('list', { name: 'Members of Finance approvers' })).toContainText('avery@bluewidget.test');
    // a member is no longer offered to the group
    const box = members.getByRole('combobox', { name: 'Add member to Finance approvers' });
    await box.fill('avery');
    await expect(members.getByText('No user matches “avery”.')).toBeVisible();
    await noSeriousA11yViolations(page);
  });

  test('Steve exports the resource audit as CSV', async ({ page, signInAs }) => {
    await signInAs(page, 'steve');
    await page.goto(scopeUrl(SUB, '&tab=audit'));
    await expect(main(page).getByRole('list', { name: 'Audit events' })).toContainText('Eligible assignment added');
    await noSeriousA11yViolations(page);
    const [download] = await Promise.all([page.waitForEvent('download'), main(page).getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^elevate-audit-Blue-Widget-Co-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFFwhen,actor,action,outcome,principal,role,scope,request,justification,details,hash');
    expect(csv).toContain('Eligible assignment added,Success,Jen,Contributor,Tenant › Blue Widget Co › finance-dev');
    expect(csv).toContain('Quarter-end close');
    expect(csv).toContain('Role settings updated');
    // finance-dev is below the subscription; the subscription-less new one is not
    expect(csv).not.toContain('Contoso Labs');
  });

  test('Steve removes an assignment after confirming with a justification, and can renew it', async ({ page, signInAs }) => {
    await signInAs(page, 'steve');
    await page.goto(scopeUrl(FINANCE_DEV, '&tab=assignments&tab2=eligible'));
    const row = main(page)
      .getByRole('list', { name: 'eligible assignments' })
      .getByRole('listitem')
      .filter({ hasText: 'Jen' })
      .filter({ hasText: 'Contributor' });
    await row.getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: /Remove eligible Contributor of Jen/ });
    await expect(dialog).toContainText('Jen loses eligibility for Contributor');
    await dialog.getByLabel('Justification').fill('Quarter closed');
    await dialog.getByRole('button', { name: 'Remove assignment' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toHaveCount(0);
    await page.goto(scopeUrl(FINANCE_DEV, '&tab=assignments&tab2=expired'));
    const ended = main(page).getByRole('list', { name: 'expired assignments' }).getByRole('listitem').filter({ hasText: 'Jen' });
    await expect(ended).toContainText('Revoked');
    await expect(ended.getByRole('button', { name: 'Renew' })).toBeVisible();
  });

  test('Jen cannot open the admin pages, and calling an admin action directly is refused', async ({ page, signInAs, personaPage }) => {
    // capture a real server-action request from Steve's form without letting it through
    const steve = await personaPage('steve');
    await steve.goto(scopeUrl(FINANCE_DEV));
    const form = assignForm(steve);
    await pick(form, 'User or group', 'sam', 'Sam (sam@bluewidget.test)');
    await form.getByLabel('Role').selectOption({ label: 'Owner' });
    await form.getByLabel(/^Justification/).fill('Sneaky');
    let captured: { url: string; headers: Record<string, string>; body: Buffer } | null = null;
    const isScope = (url: URL) => url.pathname === '/admin/scope';
    await steve.route(isScope, async (route) => {
      const req = route.request();
      if (req.method() === 'POST' && req.headers()['next-action']) {
        captured = { url: req.url(), headers: req.headers(), body: req.postDataBuffer()! };
        return route.abort();
      }
      return route.continue();
    });
    await form.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect.poll(() => captured !== null).toBe(true);

    await signInAs(page, 'jen');
    await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0);
    for (const path of ['/admin', '/admin/resources', '/admin/users', '/admin/audit', scopeUrl(FINANCE_DEV)]) {
      // the refusal is the page itself: a 403 document would log an error in her console
      const response = await page.goto(path);
      expect(response?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1, name: "You don't have PIM management access here" })).toBeVisible();
    }
    // the refusal says why for the page that was refused
    await page.goto('/admin/users');
    await expect(page.getByText('Users and groups are managed by tenant PIM administrators.')).toBeVisible();
    const res = await page.request.post(captured!.url, {
      headers: Object.fromEntries(
        Object.entries(captured!.headers).filter(([k]) =>
          ['next-action', 'content-type', 'accept', 'origin', 'next-router-state-tree'].includes(k),
        ),
      ),
      data: captured!.body,
    });
    const text = await res.text();
    expect(text).toContain('You do not have PIM management access on Tenant › Blue Widget Co › finance-dev');
    expect(text).not.toContain('Assigned.');
    // nothing was written: Sam holds no Owner assignment on finance-dev
    await steve.unroute(isScope);
    await steve.goto(scopeUrl(FINANCE_DEV, `&tab=assignments&tab2=eligible&role=${OWNER}`));
    await expect(
      main(steve).getByRole('list', { name: 'eligible assignments' }).getByRole('listitem').filter({ hasText: 'Sam' }),
    ).toHaveCount(0);
    // the CSV export route authorizes by itself too
    const csv = await page.request.get(`/admin/audit/export?scope=${encodeURIComponent(SUB)}`);
    expect(csv.status()).toBe(403);
    // everyone has their own audit
    await page.goto('/audit');
    await expect(page.getByRole('heading', { level: 1, name: 'My audit' })).toBeVisible();
    await expect(main(page).getByRole('list', { name: 'Audit events' })).toContainText('Eligible assignment added');
  });

  test('Steve filters the tenant audit by typing people, and a damaged page link says so', async ({ page, signInAs }) => {
    await signInAs(page, 'steve');
    await page.goto('/admin/audit?after=not-a-cursor');
    await expect(main(page).getByText(/That page link is not one of this list’s; showing the newest events/)).toBeVisible();
    const events = main(page).getByRole('list', { name: 'Audit events' });
    await expect(events).toContainText('Eligible assignment added');
    // no directory in a dropdown: a word that names several people asks which one
    await main(page).getByLabel('Actor', { exact: true }).fill('s');
    await main(page).getByRole('button', { name: 'Filter', exact: true }).click();
    const which = main(page).getByRole('navigation', { name: 'Choose the actor' });
    await expect(which.getByRole('link', { name: 'Sam (sam@bluewidget.test)' })).toBeVisible();
    await which.getByRole('link', { name: 'Steve Admin (steve@bluewidget.test)' }).click();
    await expect(main(page).getByLabel('Actor', { exact: true })).toHaveValue('steve@bluewidget.test');
    await expect(events).toContainText('Eligible assignment added');
    for (const item of await events.getByRole('listitem').all()) await expect(item).toContainText('Steve Admin');
    // an e-mail finds one person at once; the export link carries the same filters
    await main(page).getByLabel('Principal', { exact: true }).fill('jen@bluewidget.test');
    await main(page).getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(events).toContainText('Jen');
    await expect(main(page).getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', /actor=.*principal=|principal=.*actor=/);
    // 50 events a page at most; older ones behind Next page
    expect(await events.getByRole('listitem').count()).toBeLessThanOrEqual(50);
  });
});
