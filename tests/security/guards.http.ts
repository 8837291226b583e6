import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_SUBSCRIPTION, DEMO_TOTP_SECRET, DEMO_USERS } from '@/db/seed/demo';
import { totpCode } from '@/lib/auth/totp';
import { startServer, type TestServer } from '../api/server';

/**
 * The request guards of ADR 091 against the production build behind scripts/serve.mjs,
 * over HTTPS: what a browser on another site can make Elevate do (nothing: 403, never 500),
 * how big a body each path takes (the resource import 20 MB, everything else 1 MB: 413 with
 * a readable message, never a cut body and a 500), and what sign-in tells about accounts
 * (nothing: one message for unknown, wrong and locked).
 */

let server: TestServer;
let steve: string;
const MB = 1024 * 1024;
const EVIL = 'https://evil.example';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(method: string, urlPath: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Res> {
  return new Promise((resolve, reject) => {
    const url = new URL(urlPath, server.baseUrl);
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    const req = https.request(
      url,
      {
        method,
        ca: server.ca,
        timeout: 110_000,
        headers: { ...(payload ? { 'content-length': String(payload.length) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

const cookiesOf = (res: Res) => ((res.headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.split(';')[0]);

/** next-auth's credentials sign-in as the sign-in page does it: the session cookie, or the message the page shows. */
async function signIn(email: string, password: string): Promise<{ cookie?: string; error?: string }> {
  const csrf = await send('GET', '/api/auth/csrf');
  const jar = cookiesOf(csrf);
  const form = new URLSearchParams({
    csrfToken: JSON.parse(csrf.body).csrfToken,
    email,
    password,
    json: 'true',
    callbackUrl: `${server.baseUrl}/`,
  });
  const res = await send(
    'POST',
    '/api/auth/callback/credentials',
    {
      cookie: jar.join('; '),
      origin: server.baseUrl,
      'content-type': 'application/x-www-form-urlencoded',
    },
    form.toString(),
  );
  const session = cookiesOf(res).find((c) => c.startsWith('__Secure-next-auth.session-token='));
  if (session) return { cookie: session };
  // with json=true next-auth answers the page to go to in JSON (401 when authorize refused)
  const location =
    res.headers.location ?? (res.headers['content-type']?.toString().startsWith('application/json') ? JSON.parse(res.body).url : undefined);
  if (!location) throw new Error(`sign-in answered ${res.status}: ${res.body.slice(0, 300)}`);
  return { error: new URL(String(location), server.baseUrl).searchParams.get('error') ?? `no error in ${location}` };
}

/** A server action's id from the build's manifest. */
function actionId(file: string, name: string): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(process.env.ELEVATE_DIST_DIR || '.next', 'server', 'server-reference-manifest.json'), 'utf8'),
  );
  const hit = Object.entries(manifest.node as Record<string, { filename: string; exportedName: string }>).find(
    ([, v]) => v.filename === file && v.exportedName === name,
  );
  if (!hit) throw new Error(`no server action ${name} in ${file}`);
  return hit[0];
}

/**
 * What React sends for `action(prevState, formData)` from useActionState: the arguments as
 * `0` = [null, FormData #1], the form's fields as `_1_<name>`.
 */
function actionRequest(fields: Record<string, string>) {
  const boundary = `----elevate${crypto.randomBytes(8).toString('hex')}`;
  // as React's encodeReply orders them: the form's fields first, the root model last
  const parts = [...Object.entries(fields).map(([k, v]) => [`_1_${k}`, v]), ['0', '[null,"$K1"]']];
  const body = Buffer.concat([
    ...parts.map(([name, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Steve's fetch of a server action from `page`, as the browser sends it; `headers` override (undefined drops one). */
function callAction(
  page: string,
  id: string,
  fields: Record<string, string>,
  headers: Record<string, string | undefined> = {},
): Promise<Res> {
  const { body, contentType } = actionRequest(fields);
  const all: Record<string, string | undefined> = {
    'next-action': id,
    accept: 'text/x-component',
    'content-type': contentType,
    origin: server.baseUrl,
    cookie: steve,
    ...headers,
  };
  return send('POST', page, Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)), body);
}

/** An import file of `bytes` bytes: one new resource group, pretty-printed as exports are, padded with whitespace. */
function importFile(name: string, bytes: number): string {
  const item = JSON.stringify({
    id: `${DEMO_SUBSCRIPTION}/resourceGroups/${name}`,
    name,
    type: 'Microsoft.Resources/resourceGroups',
    parentId: DEMO_SUBSCRIPTION,
  });
  return `[\n${' '.repeat(Math.max(0, bytes - item.length - 4))}${item}\n]`;
}

function count(sql: string, ...args: unknown[]): number {
  const db = new Database(server.dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get(...args) as { n: number }).n;
  } finally {
    db.close();
  }
}
const resourceCount = (name: string) => count('SELECT count(*) AS n FROM resources WHERE name = ?', name);

beforeAll(async () => {
  server = await startServer();
  const s = await signIn(DEMO_USERS.steve.email, DEMO_PASSWORD);
  if (!s.cookie) throw new Error(`Steve could not sign in: ${s.error}`);
  steve = s.cookie;
});
afterAll(async () => {
  await server?.stop();
});

describe('cross-origin state changes', () => {
  const importId = () => actionId('app/(portal)/admin/resources/actions.ts', 'importResourcesAction');

  it('a server action posted from another site gets 403 with a plain message, never 500, and changes nothing', async () => {
    const res = await callAction('/admin/resources', importId(), { json: importFile('rg-cross-origin', 200) }, { origin: EVIL });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.body).toBe('This request came from another site and was refused: Elevate accepts changes only from its own pages.');
    expect(resourceCount('rg-cross-origin')).toBe(0);
    // without Origin, a browser's Sec-Fetch-Site says the same
    const site = await callAction(
      '/admin/resources',
      importId(),
      { json: importFile('rg-cross-origin', 200) },
      { origin: undefined, 'sec-fetch-site': 'cross-site' },
    );
    expect(site.status).toBe(403);
    expect(resourceCount('rg-cross-origin')).toBe(0);
    expect(server.logs()).not.toMatch(/Invalid Server Actions request/);
  });

  it("creating an API token from another site with Steve's cookie: 403, no token", async () => {
    const before = count('SELECT count(*) AS n FROM api_tokens');
    const res = await callAction(
      '/profile',
      actionId('app/(portal)/profile/actions.ts', 'createTokenAction'),
      { name: 'stolen', expiresInDays: '30' },
      { origin: EVIL },
    );
    expect(res.status).toBe(403);
    expect(count('SELECT count(*) AS n FROM api_tokens')).toBe(before);
  });

  it("the same action from Elevate's own page, or from the public URL through a proxy that rewrites Host, goes through", async () => {
    const own = await callAction('/admin/resources', importId(), { json: importFile('rg-same-origin', 200) });
    expect(own.status).toBe(200);
    expect(own.headers['content-type']).toMatch(/^text\/x-component/);
    expect(own.body).toContain('Imported 1 resource; skipped 0.');
    expect(resourceCount('rg-same-origin')).toBe(1);
    // Host is not the public URL's, Origin is: both serve.mjs and Next's own check (allowedOrigins) accept it
    const port = new URL(server.baseUrl).port;
    const proxied = await callAction(
      '/admin/resources',
      importId(),
      { json: importFile('rg-via-proxy', 200) },
      { host: `127.0.0.1:${port}` },
    );
    expect(proxied.status).toBe(200);
    expect(resourceCount('rg-via-proxy')).toBe(1);
  });

  it("POST /api/notifications from another site: 403 JSON; from Elevate's own page: 200", async () => {
    const evil = await send('POST', '/api/notifications', { origin: EVIL, cookie: steve, 'content-type': 'application/json' }, '{}');
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body)).toEqual({ error: { code: 'CrossOriginRequest', message: expect.stringContaining('another site') } });
    const own = await send(
      'POST',
      '/api/notifications',
      { origin: server.baseUrl, cookie: steve, 'content-type': 'application/json' },
      '{}',
    );
    expect(own.status).toBe(200);
    // a non-browser client (no Origin, no Sec-Fetch-Site) is not a cross-site page
    const cli = await send('POST', '/api/notifications', { cookie: steve, 'content-type': 'application/json' }, '{}');
    expect(cli.status).toBe(200);
  });

  it('a sign-in posted from another site (login CSRF): 403', async () => {
    const res = await send(
      'POST',
      '/api/auth/callback/credentials',
      { origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      'email=a&password=b',
    );
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('CrossOriginRequest');
  });
});

describe('body limits', () => {
  const importId = () => actionId('app/(portal)/admin/resources/actions.ts', 'importResourcesAction');

  it('a 12 MB resource import succeeds', async () => {
    const json = importFile('rg-import-12mb', 12 * MB);
    const res = await callAction('/admin/resources', importId(), { json });
    expect(res.status).toBe(200);
    expect(res.body).toContain('Imported 1 resource; skipped 0.');
    expect(resourceCount('rg-import-12mb')).toBe(1);
    expect(server.logs()).not.toMatch(/Unexpected end of form|Request body exceeded/);
  });

  it('a 25 MB resource import gets 413 with a readable message, and nothing is imported', async () => {
    const res = await callAction('/admin/resources', importId(), { json: importFile('rg-import-25mb', 25 * MB) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.body).toBe('A resource import may be at most 20 MB; this one is 25.0 MB. Nothing was changed.');
    expect(resourceCount('rg-import-25mb')).toBe(0);
  });

  it('a 2 MB body to another server action gets 413; a small one still works', async () => {
    const create = actionId('app/(portal)/profile/actions.ts', 'createTokenAction');
    const big = await callAction('/profile', create, { name: 'x'.repeat(2 * MB), expiresInDays: '30' });
    expect(big.status).toBe(413);
    expect(big.body).toMatch(/^This request may be at most 1 MB; this one is 2\.0 MB\./);
    // creating a token takes a fresh code (ADR 092); this is the suite's only one for Steve
    const small = await callAction('/profile', create, {
      name: 'security suite',
      expiresInDays: '30',
      mfaCode: totpCode(DEMO_TOTP_SECRET, Date.now()),
    });
    expect(small.status).toBe(200);
    expect(small.body).toContain('Token \\"security suite\\" created.');
  });

  it('a 2 MB body to a route handler gets 413 JSON', async () => {
    const res = await send(
      'POST',
      '/api/notifications',
      { origin: server.baseUrl, cookie: steve, 'content-type': 'application/json' },
      JSON.stringify({ ids: ['x'.repeat(2 * MB)] }),
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toEqual({
      code: 'PayloadTooLarge',
      message: expect.stringMatching(/^This request may be at most 1 MB/),
    });
  });

  it('no request in this suite made the server answer 500', () => {
    expect(server.logs()).not.toMatch(/Body exceeded|Unexpected end of form|Invalid Server Actions request/);
  });
});

describe('sign-in tells nothing about accounts', () => {
  it('an unknown email, a wrong password, the locking failure and a locked account (even with the right password) read the same', async () => {
    const seen = new Set<string>();
    seen.add((await signIn('nobody@bluewidget.test', 'wrong-password')).error!);
    // ELEVATE_LOCKOUT_THRESHOLD defaults to 5: the fifth failure locks Sam
    for (let i = 1; i <= 5; i++) seen.add((await signIn(DEMO_USERS.sam.email, `wrong-password-${i}`)).error!);
    expect(count('SELECT count(*) AS n FROM users WHERE lower(email) = ? AND locked_until > ?', DEMO_USERS.sam.email, Date.now())).toBe(1);
    const locked = await signIn(DEMO_USERS.sam.email, DEMO_PASSWORD);
    expect(locked.cookie).toBeUndefined();
    seen.add(locked.error!);
    seen.add((await signIn('nobody@bluewidget.test', DEMO_PASSWORD)).error!);
    expect([...seen]).toEqual(['Wrong email or password.']);
    // and the lock is audited
    expect(count("SELECT count(*) AS n FROM audit_events WHERE action = 'Account locked'")).toBe(1);
  });
});
