import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures';

const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const SUB = '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55';
const PATH = 'Tenant › Blue Widget Co';

type Totp = { code: (p: 'jen' | 'avery' | 'steve') => Promise<string> };

/** A code that is not the authenticator's (the current one shifted by half the code space). */
const wrongCode = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');

/** Jen asks for Owner at one scope through My roles (the requester's form), MFA code when asked. */
async function requestOwner(page: Page, totp: Totp, scope: string, justification: string) {
  await page.goto('/my-roles');
  await page.getByRole('button', { name: `Activate Owner on ${PATH}` }).click();
  const dialog = page.getByRole('dialog');
  const target = dialog.getByRole('checkbox', { name: scope, exact: true });
  await expect(target).toBeVisible();
  // the form starts with nothing chosen: choose exactly the one scope asked for
  await expect(dialog.getByRole('checkbox', { checked: true })).toHaveCount(0);
  await target.check();
  await dialog.getByLabel(/^Justification/).fill(justification);
  const code = dialog.getByLabel('MFA code');
  if (await code.isVisible()) await code.fill(await totp.code('jen'));
  // every scope asked for here needs approval, and the button says so
  await dialog.getByRole('button', { name: 'Request approval', exact: true }).click();
  await expect(dialog.getByText('Submitted', { exact: true })).toBeVisible();
  await expect(dialog.getByText('Pending approval', { exact: true })).toBeVisible();
}

/**
 * Test data the admin screens would set: Owner settings at a resource group with approval
 * required and the given approvers, written straight into this spec's own database (the
 * portal's engine sees it at once because the tenant revision is bumped).
 */
function requireOwnerApproval(dataDir: string, group: string, approverEmails: string[]) {
  const db = new Database(path.join(dataDir, 'elevate.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const scope = `${SUB}/resourcegroups/${group}`.toLowerCase();
    const template = `${SUB}/resourcegroups/finance-prod`.toLowerCase();
    const id = crypto.randomUUID();
    db.transaction(() => {
      db.prepare(
        `INSERT INTO role_settings (id, scope_id, role_id, activation_max_minutes, activation_require_mfa, activation_require_justification,
           activation_require_ticket, approval_required, approval_timeout_minutes, approver_justification_required, approval_require_mfa,
           eligible_permanent_allowed, eligible_max_days, active_permanent_allowed, active_max_days, active_require_mfa,
           active_require_justification, notifications, updated_at, updated_by)
         SELECT ?, ?, role_id, activation_max_minutes, activation_require_mfa, activation_require_justification, activation_require_ticket, 1,
           approval_timeout_minutes, approver_justification_required, approval_require_mfa, eligible_permanent_allowed, eligible_max_days,
           active_permanent_allowed, active_max_days, active_require_mfa, active_require_justification, notifications, updated_at, updated_by
         FROM role_settings WHERE scope_id = ? AND role_id = ?`,
      ).run(id, scope, template, OWNER);
      for (const email of approverEmails) {
        const user = db.prepare('SELECT id FROM users WHERE lower(email) = ?').get(email) as { id: string };
        db.prepare("INSERT INTO role_setting_approvers (settings_id, principal_type, principal_id) VALUES (?, 'User', ?)").run(id, user.id);
      }
      db.prepare('UPDATE tenant_revision SET revision = revision + 1 WHERE id = 1').run();
    })();
  } finally {
    db.close();
  }
}

const requestIdFrom = async (link: ReturnType<Page['getByRole']>) => ((await link.getAttribute('href')) ?? '').split('/').pop()!;

test.describe('approver inbox', () => {
  test("Avery sees Jen's request appear without reloading, approves it with MFA (a wrong code is refused), and Jen's Owner on finance-prod is active", async ({
    page,
    signInAs,
    personaPage,
    totp,
  }) => {
    const avery = await personaPage('avery');
    await avery.goto('/approvals');
    await expect(avery.getByText('No request waits for your decision')).toBeVisible();
    await avery.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    await signInAs(page, 'jen');
    await requestOwner(page, totp, 'finance-prod', 'Deploy the quarter-end fix');

    // it arrives by polling: same document, no reload
    const link = avery.getByRole('link', { name: 'Jen · Owner' });
    await expect(link).toBeVisible();
    expect(await avery.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await expect(avery.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Approvals.*1 pending/ })).toBeVisible();
    const row = avery.getByRole('row').filter({ has: link });
    await expect(row).toContainText('Deploy the quarter-end fix');
    await expect(row).toContainText('MFA verified');
    await expect(row).toContainText(/times out in 2\d h|times out in 1 d/);
    const id = await requestIdFrom(link);

    // a second tab on the detail page, to decide again after the first decision
    const second = await avery.context().newPage();
    await second.goto(`/approvals/${id}`);
    await expect(second.getByRole('main')).toContainText('Owner on Tenant › Blue Widget Co › finance-prod needs approval');
    await expect(second.getByRole('main')).toContainText('Avery is a named approver');
    await expect(second.getByRole('main')).toContainText(/Eligible\s*Owner/);

    // Owner requires MFA to approve (its default), and the detail said so before the click
    await expect(second.getByRole('main')).toContainText(
      "Approving needs the approver's MFA: Owner on Tenant › Blue Widget Co › finance-prod requires MFA to approve",
    );
    await row.getByRole('button', { name: `Approve Jen's request for Owner on ${PATH} › finance-prod` }).click();
    const dialog = avery.getByRole('dialog');
    await dialog.getByLabel('Justification').fill('Quarter-end fix agreed');
    await expect(dialog.getByLabel('MFA code')).toHaveAttribute('required', '');
    await expect(dialog.getByRole('complementary', { name: 'Demo authenticator' })).toBeVisible();
    // a wrong code: refused, nothing decided, the dialog says why at the code
    await dialog.getByLabel('MFA code').fill(wrongCode(await totp.code('avery')));
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(dialog.getByText('That code is not right. Check the time on your device and enter the current code.')).toBeVisible();
    await expect(dialog.getByLabel('MFA code')).toHaveAttribute('aria-invalid', 'true');
    await expect(link).toBeVisible();
    // the right one
    await expect(dialog.getByLabel('Justification')).toHaveValue('Quarter-end fix agreed');
    await dialog.getByLabel('MFA code').fill(await totp.code('avery'));
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(avery.getByRole('main').getByRole('status').filter({ hasText: 'Approved the request.' })).toBeVisible();
    await expect(avery.getByText('No request waits for your decision')).toBeVisible();

    await second.getByLabel(/^Justification/).fill('second tab');
    await second.getByRole('button', { name: 'Deny' }).click();
    await expect(
      second
        .getByRole('main')
        .getByText(/Already approved by Avery at \d+ \w+ \d{4} \d\d:\d\d UTC/)
        .first(),
    ).toBeVisible();

    await page.goto('/my-roles?tab=active');
    await expect(page.getByRole('tabpanel')).toContainText('finance-prod');
    await expect(page.getByRole('tabpanel')).toContainText('Active');

    await avery.goto('/approvals/history');
    await expect(avery.getByRole('link', { name: 'Jen · Owner' })).toBeVisible();
    await expect(avery.getByRole('main')).toContainText('Quarter-end fix agreed');
    // history pages by cursor: a damaged one says so and shows the latest decisions
    await avery.goto('/approvals/history?before=not-a-cursor');
    await expect(avery.getByText('That page link is not one of this list’s; showing your latest decisions.')).toBeVisible();
    await expect(avery.getByRole('link', { name: 'Jen · Owner' })).toBeVisible();
  });

  test("Avery denies Jen's request for Owner on the subscription and Jen sees the reason", async ({
    page,
    signInAs,
    personaPage,
    totp,
  }) => {
    await signInAs(page, 'jen');
    await requestOwner(page, totp, 'Blue Widget Co', 'Rotate the subscription keys');
    const avery = await personaPage('avery');
    await avery.goto('/approvals');
    const link = avery.getByRole('link', { name: 'Jen · Owner' });
    const id = await requestIdFrom(link);
    await avery.getByRole('button', { name: `Deny Jen's request for Owner on ${PATH}` }).click();
    const dialog = avery.getByRole('dialog');
    // the settings ask approvers to justify: an empty justification is refused by the browser and the server
    await expect(dialog.getByLabel('Justification')).toHaveAttribute('required', '');
    await dialog.getByLabel('Justification').fill('Use finance-prod for this');
    await dialog.getByRole('button', { name: 'Deny', exact: true }).click();
    await expect(avery.getByRole('main').getByRole('status').filter({ hasText: 'Denied the request.' })).toBeVisible();

    await page.goto(`/requests/${id}`);
    await expect(page.getByRole('main')).toContainText(/Denied/);
    await expect(page.getByRole('main')).toContainText('Use finance-prod for this');
  });

  test('Jen, even as a named approver, cannot decide her own request', async ({ page, signInAs, personaPage, totp, app }) => {
    requireOwnerApproval(app.dataDir, 'finance-test', ['jen@bluewidget.test', 'avery@bluewidget.test']);
    await signInAs(page, 'jen');
    await requestOwner(page, totp, 'finance-test', 'Test the new pipeline');
    const avery = await personaPage('avery');
    await avery.goto('/approvals');
    const id = await requestIdFrom(avery.getByRole('link', { name: 'Jen · Owner' }));

    await page.goto('/approvals');
    await expect(page.getByText('No request waits for your decision')).toBeVisible();
    await page.goto(`/approvals/${id}`);
    await expect(page.getByRole('main')).toContainText('You cannot decide this request');
    await expect(page.getByRole('main')).toContainText('You cannot approve your own request');
    await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  });

  test('with approval required and no approver named, Steve (tenant PIM administrator) decides', async ({
    page,
    signInAs,
    personaPage,
    totp,
    app,
  }) => {
    requireOwnerApproval(app.dataDir, 'finance-dev', []);
    await signInAs(page, 'jen');
    await requestOwner(page, totp, 'finance-dev', 'Debug the dev database');
    const avery = await personaPage('avery');
    await avery.goto('/approvals');
    await expect(avery.getByRole('row').filter({ hasText: 'finance-dev' })).toHaveCount(0);

    const steve = await personaPage('steve');
    await steve.goto('/approvals');
    const link = steve.getByRole('link', { name: 'Jen · Owner' });
    await link.click();
    await expect(steve.getByRole('main')).toContainText('Steve Admin approves as PIM administrator (no approvers named)');
    await steve.getByLabel(/^Justification/).fill('PIM admin approves');
    // finance-dev's Owner settings were copied from finance-prod's: MFA to approve
    await steve.getByLabel('MFA code').fill(await totp.code('steve'));
    await steve.getByRole('button', { name: 'Approve' }).click();
    await expect(steve.getByRole('main')).toContainText(/Already approved by Steve Admin|Approved\s*by Steve Admin/);

    const results = await new AxeBuilder({ page: steve }).withTags(['wcag2a', 'wcag2aa']).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await steve.goto('/approvals');
    const queue = await new AxeBuilder({ page: steve }).withTags(['wcag2a', 'wcag2aa']).analyze();
    expect(queue.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  });

  test('Steve cancels a pending request in his scope with a justification, and reads the outbox', async ({
    page,
    signInAs,
    personaPage,
    totp,
  }) => {
    await signInAs(page, 'jen');
    await requestOwner(page, totp, 'Blue Widget Co', 'Second try for the keys');
    const steve = await personaPage('steve');
    await steve.goto('/admin/pending');
    const item = steve.getByRole('listitem').filter({ hasText: 'Second try for the keys' });
    await item.getByRole('button', { name: `Cancel Jen's request for Owner on ${PATH}` }).click();
    const dialog = steve.getByRole('dialog');
    await dialog.getByLabel('Justification').fill('Change freeze this week');
    await dialog.getByRole('button', { name: 'Cancel request' }).click();
    await expect(
      steve.getByRole('main').getByRole('status').filter({ hasText: 'Request canceled. The requester has been told why.' }),
    ).toBeVisible();
    await expect(steve.getByRole('listitem').filter({ hasText: 'Second try for the keys' })).toHaveCount(0);
    await steve.reload();
    await expect(steve.getByRole('listitem').filter({ hasText: 'Test the new pipeline' })).toHaveCount(1);
    await expect(steve.getByRole('listitem').filter({ hasText: 'Second try for the keys' })).toHaveCount(0);

    // Avery's queue keeps only the finance-test request left by the own-request test
    const avery = await personaPage('avery');
    await avery.goto('/approvals');
    await expect(avery.getByRole('link', { name: 'Jen · Owner' })).toHaveCount(1);
    await expect(avery.getByRole('row').filter({ hasText: 'Second try for the keys' })).toHaveCount(0);

    await steve.goto('/admin/outbox');
    await expect(steve.getByText(/Jen asks for Owner on/).first()).toBeVisible();
    await steve.getByText('[Elevate] Denied: Owner on Tenant › Blue Widget Co', { exact: true }).click();
    await expect(steve.getByRole('main')).toContainText('Use finance-prod for this');
    await expect(steve.getByRole('main')).toContainText(/\/requests\/[0-9a-f-]{36}/);
    await avery.goto('/admin/outbox');
    await expect(avery.getByText('Only tenant PIM administrators can read the outbox')).toBeVisible();
  });

  test('Avery selects several requests and approves them together', async ({ page, signInAs, personaPage, totp }) => {
    await signInAs(page, 'jen');
    await requestOwner(page, totp, 'Blue Widget Co', 'Third try, with the change ticket');
    const avery = await personaPage('avery');
    await avery.goto('/approvals');
    await expect(avery.getByRole('link', { name: 'Jen · Owner' })).toHaveCount(2);
    // the search runs on the server (SQL) once typing pauses
    await avery.getByLabel('Search').fill('finance');
    await expect(avery.getByRole('link', { name: 'Jen · Owner' })).toHaveCount(1);
    await avery.getByLabel('Search').fill('');
    await expect(avery.getByRole('link', { name: 'Jen · Owner' })).toHaveCount(2);
    // one page of 50 at most: two requests need no pager
    await expect(avery.getByRole('navigation', { name: 'Queue pages' })).toHaveCount(0);
    // the queue API pages by cursor and refuses one that is not its own
    const bad = await avery.request.get('/api/approvals?after=not-a-cursor');
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'InvalidRequest' } });
    const ok = await avery.request.get('/api/approvals?sort=newest');
    expect(await ok.json()).toMatchObject({ next: null, prev: null, count: 2 });
    await avery.getByRole('checkbox', { name: `Select Jen's request for Owner on ${PATH}`, exact: true }).check();
    await avery.getByRole('checkbox', { name: `Select Jen's request for Owner on ${PATH} › finance-test` }).check();
    await avery.getByRole('button', { name: 'Approve selected' }).click();
    const dialog = avery.getByRole('dialog');
    await expect(dialog.getByRole('heading')).toHaveText('Approve 2 requests?');
    await dialog.getByLabel('Justification').fill('Both covered by CHG-42');
    // one code for the batch
    await expect(dialog.getByLabel('MFA code')).toHaveCount(1);
    await dialog.getByLabel('MFA code').fill(await totp.code('avery'));
    await dialog.getByRole('button', { name: 'Approve 2 requests' }).click();
    await expect(avery.getByRole('main').getByRole('status').filter({ hasText: 'Approved 2 requests.' })).toBeVisible();
    await expect(avery.getByText('No request waits for your decision')).toBeVisible();

    await page.goto('/my-roles?tab=active');
    await expect(page.getByRole('tabpanel')).toContainText('finance-test');
    await expect(page.getByRole('tabpanel')).toContainText('Blue Widget Co');
  });

  test('the live queue API answers 401 JSON when signed out', async ({ request }) => {
    for (const url of ['/api/approvals', '/api/approvals/count']) {
      const res = await request.get(url);
      expect(res.status()).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'Unauthenticated' } });
    }
  });
});
