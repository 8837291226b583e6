import http from 'node:http';
import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { Webhook } from 'standardwebhooks';
import { test, expect } from './support/fixtures';

/**
 * Admin › Connectors end to end: Steve (the demo's tenant PIM administrator) creates a
 * webhook pointed at a receiver this spec runs on 127.0.0.1 (the e2e server allows
 * private webhook addresses, e2e/support/server.ts), Sam activates a role, and the
 * delivery log shows the signed activation.started delivered; Redeliver sends it again.
 */
test.describe.configure({ mode: 'serial' });

const main = (page: Page) => page.getByRole('main');

interface Received {
  id: string;
  type: string;
  verified: boolean;
}

/** A receiver as a customer would write one: verifies the Standard Webhooks signature, answers 200. */
async function receiver() {
  const got: Received[] = [];
  let secret = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      let verified = false;
      try {
        new Webhook(secret).verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        /* recorded as unverified */
      }
      got.push({ id: String(req.headers['webhook-id']), type: (JSON.parse(body) as { type: string }).type, verified });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/elevate`,
    got,
    useSecret: (s: string) => {
      secret = s;
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

async function noSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes[0]?.target})`),
  ).toEqual([]);
}

test('Sam is refused Admin › Connectors with the reason', async ({ page, signInAs }) => {
  await signInAs(page, 'sam');
  await page.goto('/admin/connectors');
  await expect(page.getByRole('heading', { name: "You don't have PIM management access here" })).toBeVisible();
  await expect(page.getByText('Connectors reach outside Elevate with its secrets')).toBeVisible();
});

test('Steve creates a webhook, sees its secret once, and its log shows Sam’s activation delivered and redelivered', async ({
  page,
  signInAs,
  personaPage,
  totp,
}) => {
  const rx = await receiver();
  try {
    await signInAs(page, 'steve');
    await page.goto('/admin');
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Connectors' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Connectors' })).toBeVisible();
    await expect(main(page).getByText(/No connectors yet\. A connector makes activations real outside Elevate/)).toBeVisible();
    await main(page).getByRole('link', { name: 'New connector' }).first().click();

    await expect(page.getByRole('heading', { level: 1, name: 'New connector' })).toBeVisible();
    const form = main(page)
      .locator('form')
      .filter({ has: page.getByRole('button', { name: 'Create connector' }) });
    await form.getByRole('radio', { name: 'Webhook' }).check();
    await form.getByLabel('Id', { exact: true }).fill('siem');
    await form.getByLabel('Display name').fill('SIEM');
    await form.getByLabel('URL').fill(rx.url);
    // every event is subscribed unless unticked
    await expect(form.getByRole('checkbox', { name: 'activation.started' })).toBeChecked();
    await expect(form.getByRole('checkbox', { name: 'drift.detected' })).toBeChecked();
    await noSeriousA11yViolations(page);
    await form.getByRole('button', { name: 'Create connector' }).click();

    await expect(main(page).getByRole('status').filter({ hasText: 'Created SIEM.' })).toBeVisible();
    await expect(main(page).getByText('Signing secret of SIEM (shown once)')).toBeVisible();
    await expect(main(page).getByText(/It will not be shown again/)).toBeVisible();
    await expect(main(page).getByRole('button', { name: 'Copy the signing secret' })).toBeVisible();
    const secret = (await main(page).getByLabel('Signing secret', { exact: true }).textContent())!.trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    rx.useSecret(secret);

    await main(page).getByRole('link', { name: 'Open SIEM' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'SIEM' })).toBeVisible();
    await expect(main(page).getByText('Healthy')).toBeVisible();
    await expect(main(page).getByText(secret)).toHaveCount(0); // never shown again
    await expect(main(page).getByText(/No deliveries yet/)).toBeVisible();
    await main(page).getByRole('button', { name: 'Test connection' }).click();
    await expect(main(page).getByRole('status').filter({ hasText: 'Connection works' })).toContainText(rx.url);

    // Sam activates Contributor on finance-dev: the journal records activation.started
    const sam = await personaPage('sam');
    await sam.goto('/my-roles');
    await sam.getByRole('button', { name: /^Activate Contributor on/ }).click();
    const dialog = sam.getByRole('dialog', { name: /Activate Contributor/ });
    await dialog.getByRole('checkbox', { name: 'finance-dev', exact: true }).check();
    await dialog.getByLabel('Duration (minutes)').fill('60');
    await dialog.getByLabel(/^Justification/).fill('Rotate the finance-dev keys');
    await dialog.getByLabel('MFA code').fill(await totp.code('sam'));
    await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
    await expect(dialog.getByText('Submitted 1 request: 1 active at once.')).toBeVisible();

    await expect.poll(() => rx.got.filter((r) => r.type === 'activation.started').length, { timeout: 20_000 }).toBe(1);
    const first = rx.got.find((r) => r.type === 'activation.started')!;
    expect(first.verified).toBe(true);
    expect(first.id).toMatch(/^activation\.started:/);

    const log = main(page).getByRole('table', { name: 'Deliveries to SIEM, newest first' });
    const started = log.getByRole('row').filter({ hasText: 'activation.started' });
    // the page refreshes itself every 10 s; a reload is quicker
    await expect(async () => {
      await page.reload();
      await expect(started).toHaveCount(1, { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(started).toContainText('Delivered');
    await expect(started).toContainText('HTTP 200');
    await expect(started).toContainText(first.id);
    await noSeriousA11yViolations(page);

    await started.getByRole('button', { name: 'Redeliver' }).click();
    await expect(started).toHaveCount(2);
    await expect(started.first()).toContainText('(redelivery)');
    await expect(started.first()).toContainText('HTTP 200');
    // the same event, the same webhook-id: receivers dedupe by it
    await expect.poll(() => rx.got.filter((r) => r.id === first.id).length).toBe(2);
    expect(rx.got.every((r) => r.verified)).toBe(true);
  } finally {
    await rx.close();
  }
});
