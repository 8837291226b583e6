import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './support/fixtures';

/**
 * Profile › API tokens: creating one takes a fresh TOTP code (ADR 092), a token is shown
 * once, works against the Azure-compatible API, and stops working the moment it is
 * revoked; a TOTP code mints a 10-minute step-up token.
 */
test.describe.configure({ mode: 'serial' });

const SUB = '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55';
const schedules = `${SUB}/providers/Microsoft.Authorization/roleEligibilitySchedules?api-version=2020-10-01&$filter=asTarget()`;

test('Jen creates a token (with a fresh code), uses it with the API, then revokes it', async ({ page, signInAs, request, totp }) => {
  await signInAs(page, 'jen');
  await page.goto('/profile');
  await expect(page.getByRole('heading', { level: 1, name: 'Profile' })).toBeVisible();
  await expect(page.getByText('You have no API tokens yet')).toBeVisible();

  await page.getByLabel('Token name').fill('release pipeline');
  await page.getByLabel('Expires after').selectOption('7');
  const code = await totp.code('jen');
  await page.getByLabel('Authenticator code').fill(code);
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = page.getByLabel('New token');
  await expect(secret).toHaveText(/^elv_[A-Za-z0-9_-]{43}$/);
  const token = (await secret.textContent())!;
  await expect(page.getByRole('main').getByRole('status').filter({ hasText: 'Copy it now' })).toBeVisible();

  // the same code again (a replay) mints nothing
  await page.getByLabel('Token name').fill('second try');
  await page.getByLabel('Authenticator code').fill(code);
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('main').getByRole('alert').filter({ hasText: 'already used' }).first()).toBeVisible();

  const ok = await request.get(schedules, { headers: { authorization: `Bearer ${token}` } });
  expect(ok.status()).toBe(200);
  const body = await ok.json();
  expect(
    body.value.map(
      (s: { properties: { expandedProperties: { roleDefinition: { displayName: string } } } }) =>
        s.properties.expandedProperties.roleDefinition.displayName,
    ),
  ).toEqual(['Owner']);

  await page.reload();
  await expect(page.getByLabel('New token')).toHaveCount(0); // shown once
  const row = page.getByRole('row', { name: /release pipeline/ });
  await expect(row.getByText('Active', { exact: true })).toBeVisible();
  await expect(row).not.toContainText('never'); // last use is recorded

  const accessibility = await new AxeBuilder({ page }).include('main').analyze();
  expect(accessibility.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  await row.getByRole('button', { name: 'Revoke release pipeline' }).click();
  const dialog = page.getByRole('dialog', { name: /Revoke "release pipeline"/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByRole('main').getByText(/revoked\. Scripts using it now get 401/)).toBeVisible();
  await expect(page.getByRole('row', { name: /release pipeline/ }).getByText('Revoked', { exact: true })).toBeVisible();
  await expect(page.getByRole('row', { name: /second try/ })).toHaveCount(0);

  const refused = await request.get(schedules, { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe('InvalidAuthenticationToken');
});

test('Jen mints a step-up token with a TOTP code; a wrong code says why', async ({ page, signInAs, totp }) => {
  await signInAs(page, 'jen');
  await page.goto('/profile');
  const codeField = page.getByLabel('Code from your authenticator app');
  await codeField.fill('000000');
  await page.getByRole('button', { name: 'Verify and create step-up token' }).click();
  await expect(page.getByRole('main').getByRole('alert').first()).toContainText(/code/i);

  await codeField.fill(await totp.code('jen'));
  await page.getByRole('button', { name: 'Verify and create step-up token' }).click();
  await expect(page.getByLabel('New token')).toHaveText(/^elv_/);
  await expect(page.getByRole('row', { name: /MFA step-up/ })).toBeVisible();
});
