import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures';

/**
 * Sessions that end (ADR 092): a signed-out session is dead everywhere, even for a copy of
 * its cookie; Profile › Sessions lists where you are signed in and signs any of them out.
 */
test.describe.configure({ mode: 'serial' });

const signInHeading = (page: Page) => page.getByRole('heading', { level: 1, name: 'Sign in' });

/** The header's sign-out button is a client component: a click before hydration does nothing, so retry it. */
async function signOutHere(page: Page) {
  await expect(async () => {
    if (!(await signInHeading(page).isVisible()))
      await page.getByRole('banner').getByRole('button', { name: 'Sign out', exact: true }).click({ timeout: 2_000 });
    await expect(signInHeading(page)).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
}

test('after sign-out, a copy of the old session cookie opens nothing: the sign-in page, and 401 from the API', async ({
  page,
  signInAs,
  browser,
  app,
}) => {
  await signInAs(page, 'sam');
  const count = await page.request.get('/api/approvals/count');
  expect(count.status()).toBe(200);
  const saved = (await page.context().cookies()).filter((c) => c.name.endsWith('next-auth.session-token'));
  expect(saved).toHaveLength(1);

  await signOutHere(page);

  // an attacker who copied the cookie before sign-out replays it in a fresh browser
  const replay = await browser.newContext({ baseURL: app.url });
  try {
    await replay.addCookies(saved);
    const thief = await replay.newPage();
    await thief.goto('/profile');
    await expect(thief).toHaveURL(/\/sign-in/);
    await expect(signInHeading(thief)).toBeVisible();
    const api = await replay.request.get('/api/approvals/count');
    expect(api.status()).toBe(401);
    expect((await api.json()).error.code).toBe('Unauthenticated');
    const notifications = await replay.request.get('/api/notifications');
    expect(notifications.status()).toBe(401);
  } finally {
    await replay.close();
  }
});

test('Profile › Sessions shows both sessions; "Sign out" on the other one ends it at its next click', async ({ personaPage }) => {
  const here = await personaPage('jen');
  const other = await personaPage('jen');
  await here.goto('/profile');
  const sessions = here.getByRole('region', { name: 'Sessions' });
  await expect(sessions.getByRole('button', { name: 'Sign out of this device' })).toHaveCount(1);
  await expect(sessions.getByText('This device', { exact: true })).toBeVisible();
  const otherButton = sessions.getByRole('button', { name: /^Sign out Chrome/ });
  await expect(otherButton).toHaveCount(1);
  // two rows of sessions, each saying where it came from
  await expect(
    sessions.getByRole('row').filter({ has: here.getByRole('button', { name: /^Sign out (of this device|Chrome)/ }) }),
  ).toHaveCount(2);
  await expect(sessions.getByRole('row').filter({ hasText: 'This device' })).toContainText(/Chrome \(headless\) on Linux/);
  await expect(sessions.getByRole('row').filter({ hasText: 'This device' })).toContainText('127.0.0.1');

  const accessibility = await new AxeBuilder({ page: here }).include('main').analyze();
  expect(accessibility.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  await expect(async () => {
    await otherButton.click({ timeout: 2_000 });
    await expect(here.getByRole('dialog', { name: /^Sign out Chrome/ })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await here
    .getByRole('dialog', { name: /^Sign out Chrome/ })
    .getByRole('button', { name: 'Sign out that session' })
    .click();
  await expect(
    here
      .getByRole('main')
      .getByRole('status')
      .filter({ hasText: /Signed out Chrome \(headless\) on Linux/ }),
  ).toBeVisible();
  await expect(sessions.getByRole('button', { name: /^Sign out Chrome/ })).toHaveCount(0);

  // the other browser is signed out at its next navigation; this one is not
  await other.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My roles' }).click();
  await expect(other).toHaveURL(/\/sign-in/);
  await expect(signInHeading(other)).toBeVisible();
  await here.reload();
  await expect(here.getByRole('heading', { level: 1, name: 'Profile' })).toBeVisible();
  await expect(sessions.getByRole('button', { name: 'Sign out of this device' })).toHaveCount(1);
});

test('"Sign out all other sessions" keeps this one; "Sign out" on this device signs out here', async ({ personaPage }) => {
  const here = await personaPage('avery');
  const a = await personaPage('avery');
  const b = await personaPage('avery');
  await here.goto('/profile');
  const sessions = here.getByRole('region', { name: 'Sessions' });
  await expect(sessions.getByRole('button', { name: /^Sign out Chrome/ })).toHaveCount(2);
  await expect(async () => {
    await sessions.getByRole('button', { name: 'Sign out all other sessions' }).click({ timeout: 2_000 });
    await expect(here.getByRole('dialog', { name: 'Sign out all other sessions?' })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await here
    .getByRole('dialog', { name: 'Sign out all other sessions?' })
    .getByRole('button', { name: 'Sign out all other sessions' })
    .click();
  await expect(here.getByRole('main').getByRole('status').filter({ hasText: 'Signed out 2 other sessions' })).toBeVisible();
  for (const p of [a, b]) {
    await p.reload();
    await expect(signInHeading(p)).toBeVisible();
  }
  await here.reload();
  await expect(sessions.getByRole('button', { name: /^Sign out Chrome/ })).toHaveCount(0);

  await expect(async () => {
    if (!(await signInHeading(here).isVisible()))
      await sessions.getByRole('button', { name: 'Sign out of this device' }).click({ timeout: 2_000 });
    await expect(signInHeading(here)).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await here.goto('/profile');
  await expect(here).toHaveURL(/\/sign-in/);
});
