import { test as base, expect, type Page, type BrowserContext } from '@playwright/test';
import { TOTP, Secret } from 'otpauth';
import { startServer, type ServerEnv, type TestServer } from './server';

export const PERSONAS = {
  steve: { email: 'steve@bluewidget.test', name: 'Steve Admin' },
  jen: { email: 'jen@bluewidget.test', name: 'Jen' },
  avery: { email: 'avery@bluewidget.test', name: 'Avery' },
  sam: { email: 'sam@bluewidget.test', name: 'Sam' },
} as const;
export type Persona = keyof typeof PERSONAS;
export const DEMO_PASSWORD = 'elevate-demo';
const DEMO_SECRET = 'JBSWY3DPEHPK3PXP';
const totpFor = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(DEMO_SECRET) });

/** One server per spec file: a worker runs files one after another, so the previous file's server is stopped first. */
class ServerPool {
  private current: { file: string; server: Promise<TestServer>; usedSteps: Map<string, number> } | null = null;
  async for(file: string, env: ServerEnv = {}) {
    if (this.current?.file !== file) {
      if (this.current) await (await this.current.server).stop();
      this.current = { file, server: startServer(env), usedSteps: new Map() };
    }
    return { server: await this.current.server, usedSteps: this.current.usedSteps };
  }
  async stop() {
    if (this.current) await (await this.current.server).stop();
    this.current = null;
  }
}

export async function signInAs(page: Page, persona: Persona, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(PERSONAS[persona].email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Hello, ${PERSONAS[persona].name}` })).toBeVisible();
}

interface Fixtures {
  /** extra server environment for a spec file (`test.use({ serverEnv })`); other specs get none */
  serverEnv: ServerEnv;
  app: TestServer;
  signInAs: (page: Page, persona: Persona) => Promise<void>;
  personaPage: (persona: Persona) => Promise<Page>;
  totp: { code: (persona: Persona) => Promise<string> };
}

export const test = base.extend<Fixtures, { pool: ServerPool }>({
  pool: [
    async ({}, use) => {
      const pool = new ServerPool();
      await use(pool);
      await pool.stop();
    },
    { scope: 'worker' },
  ],
  serverEnv: [{}, { option: true }],
  app: async ({ pool, serverEnv }, use, testInfo) => {
    await use((await pool.for(testInfo.file, serverEnv)).server);
  },
  baseURL: async ({ app }, use) => {
    await use(app.url);
  },
  signInAs: async ({}, use) => {
    await use(signInAs);
  },
  personaPage: async ({ browser, app }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (persona) => {
      const context = await browser.newContext({ baseURL: app.url });
      contexts.push(context);
      const page = await context.newPage();
      await signInAs(page, persona);
      return page;
    });
    for (const c of contexts) await c.close();
  },
  totp: async ({ pool }, use, testInfo) => {
    const { usedSteps } = await pool.for(testInfo.file);
    await use({
      /** A code the server has not seen for this user yet; waits for the next 30-s step when the current one was used. */
      async code(persona) {
        for (;;) {
          const step = Math.floor(Date.now() / 30_000);
          if ((usedSteps.get(persona) ?? -1) < step) {
            usedSteps.set(persona, step);
            return totpFor.generate({ timestamp: step * 30_000 + 1_000 });
          }
          await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
        }
      },
    });
  },
});

export { expect };
