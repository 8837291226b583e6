import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures';

const SUB = '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55';
const FINANCE_PROD = `${SUB}/resourcegroups/finance-prod`;
const main = (page: Page) => page.getByRole('main');

/** The resource check: type, submit, wait for the answer region of that resource. */
async function check(page: Page, text: string, resource: string) {
  const form = main(page).getByRole('search', { name: 'Resource check' });
  await form.getByRole('searchbox', { name: 'Resource name or id' }).fill(text);
  await form.getByRole('button', { name: 'Check' }).click();
  const answer = main(page).getByRole('region', { name: `Access on ${resource}` });
  await expect(answer).toBeVisible();
  return answer;
}

async function noSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes[0]?.target})`)).toEqual([]);
}

async function downloadText(page: Page, link: string) {
  const [download] = await Promise.all([page.waitForEvent('download'), main(page).getByRole('link', { name: link }).click()]);
  return { name: download.suggestedFilename(), text: fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '') };
}

test.describe('My access', () => {
  test('Jen: Owner on finance-prod needs Avery; on finance-prod-vm1 it is active at once; the CSV says the same', async ({
    page,
    signInAs,
  }) => {
    await signInAs(page, 'jen');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My access' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'My access' })).toBeVisible();

    const roles = main(page).getByRole('table', { name: /Your roles: 1/ });
    const owner = roles.getByRole('row', { name: /Owner/ });
    await expect(owner).toContainText('Eligible');
    await expect(owner).toContainText('Blue Widget Co');
    await expect(owner).toContainText('needs approval by Avery');

    const prod = await check(page, 'finance-prod', 'finance-prod');
    await expect(prod.getByText('Eligible, from the subscription; needs approval by Avery')).toBeVisible();
    await expect(prod.getByText('Activating here: up to 8 h; needs MFA and a justification; approval times out after 24 h')).toBeVisible();

    const vm = await check(page, 'finance-prod-vm1', 'finance-prod-vm1');
    await expect(vm.getByText("Eligible, from the subscription; active at once under the VM's own settings")).toBeVisible();
    await expect(vm.getByText(/default settings of Tenant › Blue Widget Co › finance-prod › finance-prod-vm1/)).toBeVisible();
    // the answer lives in the URL: a reload (or a shared link) shows it again
    await page.reload();
    await expect(main(page).getByRole('region', { name: 'Access on finance-prod-vm1' })).toBeVisible();
    await noSeriousA11yViolations(page);

    const csv = await downloadText(page, 'Download CSV');
    expect(csv.name).toMatch(/^elevate-my-access-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('role,state,scope,scope id,source,origin,start,end,activating at the scope');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^Owner,Eligible,Tenant › Blue Widget Co,${SUB},directly,assigned,.*,needs approval by Avery$`)),
    ]);
  });

  test('Sam: Reader is active on finance-dev; on finance-prod-vm1 he holds nothing and learns whom to ask', async ({ page, signInAs }) => {
    await signInAs(page, 'sam');
    await page.goto('/my-access');
    const roles = main(page).getByRole('table', { name: /Your roles: 2/ });
    await expect(roles.getByRole('row', { name: /Reader/ })).toContainText('Active');
    await expect(roles.getByRole('row', { name: /Contributor/ })).toContainText('Eligible');
    // each row opens the check at its own scope
    await roles
      .getByRole('row', { name: /Reader/ })
      .getByRole('link', { name: 'Check finance-dev' })
      .click();
    await expect(main(page).getByRole('region', { name: 'Access on finance-dev' })).toBeVisible();

    const dev = await check(page, 'finance-dev', 'finance-dev');
    const reader = dev.getByRole('listitem').filter({ hasText: 'Reader' });
    await expect(reader.getByText('Active, assigned here')).toBeVisible();
    await expect(reader).toContainText('until');
    await expect(dev.getByText("Eligible, assigned here; active at once under the resource group's own settings")).toBeVisible();

    const vm = await check(page, 'finance-prod-vm1', 'finance-prod-vm1');
    await expect(vm.getByText('You hold no role on finance-prod-vm1 and can activate none.')).toBeVisible();
    await expect(
      vm.getByText(/ask an administrator of Tenant › Blue Widget Co › finance-prod › finance-prod-vm1: Steve Admin \(PIM admin/),
    ).toBeVisible();

    // a filter of the list by role name
    const filter = main(page).getByRole('search', { name: 'Role filter' });
    await filter.getByRole('searchbox', { name: 'Filter by role or scope name' }).fill('contrib');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect(main(page).getByRole('table', { name: /Your roles: 1 matching “contrib”/ })).toBeVisible();
  });

  test('Steve: "Access of Jen" from Users and groups, and "Who has access" on finance-prod, each with its CSV', async ({
    page,
    signInAs,
    personaPage,
  }) => {
    await signInAs(page, 'steve');
    await page.goto('/admin/users');
    const link = main(page).getByRole('link', { name: 'Access of Jen' });
    const href = (await link.getAttribute('href'))!;
    await link.click();
    await expect(page.getByRole('heading', { level: 1, name: 'Access of Jen' })).toBeVisible();
    const owner = main(page)
      .getByRole('table', { name: /Jen’s roles: 1/ })
      .getByRole('row', { name: /Owner/ });
    await expect(owner).toContainText('needs approval by Avery');
    const prod = await check(page, 'finance-prod-vm1', 'finance-prod-vm1');
    await expect(prod.getByText("Eligible, from the subscription; active at once under the VM's own settings")).toBeVisible();
    const jenCsv = await downloadText(page, 'Download CSV');
    expect(jenCsv.name).toMatch(/^elevate-access-Jen-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(jenCsv.text).toContain('Owner,Eligible,Tenant › Blue Widget Co');

    await page.goto(`/admin/scope?id=${encodeURIComponent(FINANCE_PROD)}`);
    await main(page).getByRole('navigation', { name: 'Scope sections' }).getByRole('link', { name: 'Who has access' }).click();
    const holders = main(page).getByRole('region', { name: 'Hold a role here now' });
    await expect(holders.getByRole('row', { name: /Steve Admin/ })).toContainText('User Access Administrator');
    await expect(holders.getByRole('row', { name: /Steve Admin/ })).toContainText('from the subscription Tenant › Blue Widget Co');
    await expect(holders.getByRole('row', { name: /Steve Admin/ })).toContainText('permanent');
    const eligible = main(page).getByRole('region', { name: 'Can activate a role here' });
    const jen = eligible.getByRole('row', { name: /Jen/ });
    await noSeriousA11yViolations(page);
    await expect(jen).toContainText('Owner');
    await expect(jen).toContainText('from the subscription Tenant › Blue Widget Co');
    await expect(jen).toContainText('needs approval by Avery');
    const whoCsv = await downloadText(page, 'Download CSV');
    expect(whoCsv.name).toMatch(/^elevate-who-has-access-finance-prod-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = whoCsv.text.trim().split('\r\n');
    expect(rows[0]).toBe('principal,principal type,role,state,why,from scope id,start,end,activating here');
    expect(rows).toContainEqual(
      expect.stringMatching(/^Steve Admin,User,User Access Administrator,Active,from the subscription .*,permanent,$/),
    );
    expect(rows).toContainEqual(expect.stringMatching(/^Jen,User,Owner,Eligible,from the subscription .*,needs approval by Avery$/));
    await jen.getByRole('link', { name: 'Jen' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Access of Jen' })).toBeVisible();

    // the exports authorize by themselves: Sam sees neither Jen's access nor who holds finance-prod
    const sam = await personaPage('sam');
    expect((await sam.request.get(`${href}/export`)).status()).toBe(403);
    expect((await sam.request.get(`/admin/scope/who-export?id=${encodeURIComponent(FINANCE_PROD)}`)).status()).toBe(403);
    const own = await sam.request.get('/my-access/export');
    expect(own.status()).toBe(200);
    expect(await own.text()).toContain('Reader,Active,Tenant › Blue Widget Co › finance-dev');
  });
});
