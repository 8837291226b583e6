import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { test, expect, signInAs } from './support/fixtures';
import { IDP_NAME, IDP_PEOPLE, startTestIdp } from './support/idp';
import type { Page } from '@playwright/test';

/**
 * Single sign-on and MFA from the identity provider (issue 13) against a real OpenID Connect
 * provider (oidc-provider on a loopback port, e2e/support/idp.ts): Ada's provider reports
 * MFA in `amr`, Bob's does not.
 */
// a function given to test.use is a fixture: this one hands over the function that starts the provider for the server's address
test.use({ serverEnv: async ({}, use) => use((url: string) => startTestIdp(url)) });
test.describe.configure({ mode: 'serial' });

const main = (page: Page) => page.getByRole('main');

/**
 * Test data a SCIM client would have sent: the group "Finance Operators" (external id
 * grp-finance-ops) eligible for Contributor on finance-dev, like Sam. Written straight into
 * this spec's own database; the portal's engine follows the change log.
 */
function provisionFinanceOperators(dataDir: string) {
  const db = new Database(path.join(dataDir, 'elevate.db'));
  try {
    db.pragma('busy_timeout = 5000');
    if (db.prepare("SELECT 1 FROM groups WHERE name = 'Finance Operators'").get()) return;
    db.transaction(() => {
      const sam = db.prepare("SELECT id, tenant_id FROM users WHERE email = 'sam@bluewidget.test'").get() as {
        id: string;
        tenant_id: string;
      };
      const gid = crypto.randomUUID();
      db.prepare(
        `INSERT INTO groups (id, tenant_id, name, description, created_at, source, external_id)
         VALUES (?, ?, 'Finance Operators', '', ?, 'scim', 'grp-finance-ops')`,
      ).run(gid, sam.tenant_id, Date.now());
      db.prepare(
        `INSERT INTO eligibility_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at)
        SELECT ?, 'Group', ?, role_id, scope_id, start_at, end_at, created_at, updated_at
        FROM eligibility_schedules WHERE principal_id = ?`,
      ).run(crypto.randomUUID(), gid, sam.id);
      db.prepare('UPDATE tenant_revision SET revision = revision + 1 WHERE id = 1').run();
    })();
  } finally {
    db.close();
  }
}

/** The provider's own sign-in form (prompt=login shows it again even while its session lives). */
async function providerSignIn(page: Page, who: keyof typeof IDP_PEOPLE) {
  await expect(page.getByRole('heading', { name: 'Test IdP sign-in' })).toBeVisible();
  await page.getByLabel('Username').fill(who);
  await page.getByLabel('Password').fill(IDP_PEOPLE[who].password);
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function ssoSignIn(page: Page, who: keyof typeof IDP_PEOPLE) {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: `Sign in with ${IDP_NAME}` }).click();
  await providerSignIn(page, who);
  await expect(page.getByRole('heading', { level: 1, name: `Hello, ${IDP_PEOPLE[who].name}` })).toBeVisible();
}

/** Opens the activation dialog; `stay` keeps the page the provider sent the person back to (with its outcome). */
async function openActivateContributor(page: Page, stay = false) {
  if (!stay) await page.goto('/my-roles');
  await page.getByRole('button', { name: /^Activate Contributor on/ }).click();
  const dialog = page.getByRole('dialog', { name: /Activate Contributor/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('checkbox', { name: 'finance-dev', exact: true }).check();
  await dialog.getByLabel('Duration (minutes)').fill('60');
  await dialog.getByLabel(/^Justification/).fill('Close the quarter');
  return dialog;
}

test('Steve finds the callback URL in Admin › Settings and has MFA come from the identity provider', async ({ page, app }) => {
  await signInAs(page, 'steve');
  await page.goto('/admin');
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const sso = page.getByRole('region', { name: 'Single sign-on' });
  await expect(sso).toContainText(`${app.url}/api/auth/callback/oidc`);
  await expect(sso).toContainText('Password sign-in');
  const mfa = page.getByRole('region', { name: 'MFA for activation and approval' });
  await mfa.getByRole('radio', { name: /Identity provider \(Test IdP\)/ }).check();
  await mfa.getByRole('button', { name: 'Save MFA method' }).click();
  await expect(mfa.getByRole('status')).toHaveText('Saved. Activation and approval MFA is now satisfied by the identity provider.');
});

test('Ada signs in through the provider for the first time: her account is made and her group gives her access', async ({ page, app }) => {
  provisionFinanceOperators(app.dataDir);
  await ssoSignIn(page, 'ada');
  await page.goto('/my-roles');
  const activate = main(page).getByRole('button', { name: /^Activate Contributor on Tenant › Blue Widget Co › finance-dev/ });
  await expect(activate).toBeVisible();
});

test("Ada's activation asks for MFA at the provider; signing in again there with MFA satisfies it", async ({ page }) => {
  await ssoSignIn(page, 'ada');
  let dialog = await openActivateContributor(page);
  // MFA comes from the provider only: no code field, and Activate waits for the verification
  await expect(dialog.getByLabel('MFA code')).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Activate', exact: true })).toBeDisabled();
  await dialog.getByRole('button', { name: `Verify with ${IDP_NAME}` }).click();
  await providerSignIn(page, 'ada');
  await expect(page).toHaveURL(/\/my-roles\?idp-mfa=verified/);
  dialog = await openActivateContributor(page, true);
  await expect(dialog.getByText('MFA: verified in this session a moment ago, no code needed.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(dialog.getByText('Submitted 1 request: 1 active at once.')).toBeVisible();
});

test('Ada mints an API step-up token with the MFA of the provider, no authenticator code', async ({ page }) => {
  await ssoSignIn(page, 'ada');
  await page.goto('/profile');
  let card = page.getByRole('region', { name: 'MFA step-up token' });
  await expect(card.getByLabel('Code from your authenticator app')).toHaveCount(0);
  await card.getByRole('button', { name: `Verify with ${IDP_NAME}` }).click();
  await providerSignIn(page, 'ada');
  await expect(page).toHaveURL(/\/profile\?idp-mfa=verified/);
  card = page.getByRole('region', { name: 'MFA step-up token' });
  // the provider's button appears once the page has hydrated and asked how MFA is passed here
  await expect(card.getByRole('button', { name: `Verify with ${IDP_NAME}` })).toBeVisible();
  await card.getByRole('button', { name: 'Verify and create step-up token' }).click();
  await expect(card.getByLabel('New token')).toHaveText(/^elv_/);
});

test("Bob's provider reports no MFA: his verification is refused and says why", async ({ page }) => {
  await ssoSignIn(page, 'bob');
  let dialog = await openActivateContributor(page);
  await dialog.getByRole('button', { name: `Verify with ${IDP_NAME}` }).click();
  await providerSignIn(page, 'bob');
  await expect(page).toHaveURL(/idp-mfa=no-mfa/);
  dialog = await openActivateContributor(page, true);
  await expect(dialog.getByRole('alert')).toContainText(`${IDP_NAME} signed you in without multi-factor authentication`);
  await expect(dialog.getByRole('button', { name: 'Activate', exact: true })).toBeDisabled();
});

test("Jen's existing account is not taken over by e-mail: she proves her password once to link it", async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: `Sign in with ${IDP_NAME}` }).click();
  await providerSignIn(page, 'jen');
  await expect(page.getByRole('heading', { level: 1, name: 'Link your account' })).toBeVisible();
  await page.getByLabel('Password of your Elevate account').fill('not-her-password');
  await page.getByRole('button', { name: 'Link and sign in' }).click();
  await expect(page.getByRole('status').or(page.getByRole('alert')).first()).toContainText('Wrong email or password.');
  await page.getByLabel('Password of your Elevate account').fill('elevate-demo');
  await page.getByRole('button', { name: 'Link and sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Jen' })).toBeVisible();
});

test("signing out ends the Elevate session and offers the provider's sign-out", async ({ page, app }) => {
  await ssoSignIn(page, 'ada');
  await page.getByRole('button', { name: 'Sign out' }).click();
  // RP-initiated logout: the provider asks whether to end its own session too
  await expect(page.getByRole('button', { name: /Yes, sign me out/i })).toBeVisible();
  await page.getByRole('button', { name: /Yes, sign me out/i }).click();
  await expect(page).toHaveURL(`${app.url}/sign-in`);
  await page.goto('/my-roles');
  await expect(page).toHaveURL(/\/sign-in/);
});
