import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/fixtures';

/**
 * Rule 10 in the browser: with an activated Owner, Jen holds PIM management access on
 * finance-test, and the admin pages open for her there — but she cannot give herself
 * access through them. The refusal says why and who can do it instead.
 */
const SUB = '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55';
const FINANCE_TEST = `${SUB}/resourcegroups/finance-test`;
const assignForm = (page: Page) => page.locator('form').filter({ has: page.getByRole('button', { name: 'Assign', exact: true }) });

async function pick(scope: Locator, box: string, text: string, option: string) {
  const combobox = scope.getByRole('combobox', { name: box });
  await combobox.fill(text);
  await scope.getByRole('option', { name: option, exact: true }).click();
}

test('Jen, with an activated Owner on finance-test, cannot assign herself standing access there', async ({ page, signInAs, totp }) => {
  await signInAs(page, 'jen');
  await page.goto('/my-roles');
  await page.getByRole('button', { name: /^Activate Owner on/ }).click();
  const dialog = page.getByRole('dialog', { name: /Activate Owner/ });
  for (const name of ['Blue Widget Co', 'finance-test', 'finance-dev', 'finance-prod']) {
    const box = dialog.getByRole('checkbox', { name, exact: true });
    if ((await box.isChecked()) !== (name === 'finance-test')) await box.click();
  }
  await dialog.getByLabel('Duration (minutes)').fill('60');
  await dialog.getByLabel(/^Justification/).fill('Patch the finance-test machines');
  await dialog.getByLabel('MFA code').fill(await totp.code('jen'));
  await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(dialog.getByText('Submitted 1 request: 1 active at once.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();

  // her activation makes her an administrator of finance-test
  await page.goto(`/admin/scope?id=${encodeURIComponent(FINANCE_TEST)}`);
  await expect(page.getByRole('heading', { level: 1, name: 'finance-test' })).toBeVisible();
  const form = assignForm(page);
  await pick(form, 'User or group', 'jen', 'Jen (jen@bluewidget.test)');
  await form.getByLabel('Role').selectOption({ label: 'Owner' });
  await form.getByLabel('Active').check();
  await form.getByLabel(/^Justification/).fill('Keep access for the migration');
  await form.getByRole('button', { name: 'Assign', exact: true }).click();
  await expect(
    form.getByText(/You cannot grant access for yourself \(Owner on Tenant › Blue Widget Co › finance-test\)/).first(),
  ).toBeVisible();
  await expect(form.getByText(/such as Steve Admin, can/).first()).toBeVisible();
  // the form keeps what she typed and nothing was assigned
  await expect(form.getByLabel(/^Justification/)).toHaveValue('Keep access for the migration');
  await expect(form.getByRole('status')).toHaveCount(0);
});
