import crypto from 'node:crypto';
import https from 'node:https';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '@/db/seed/demo';
import { startServer, type TestServer } from '../api/server';

/**
 * A provisioning client against the built server (scripts/serve.mjs, HTTPS): no cookies, a
 * bearer SCIM token, application/scim+json. Nothing in front of the route may redirect it to
 * sign-in, refuse it as cross-origin or answer in another error shape.
 */
let server: TestServer;
const token = `scim_${crypto.randomBytes(32).toString('base64url')}`;
const MB = 1024 * 1024;
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

function send(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = https.request(
      new URL(urlPath, server.baseUrl),
      {
        method,
        ca: server.ca,
        timeout: 60_000,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/scim+json',
          ...(payload ? { 'content-type': 'application/scim+json', 'content-length': String(payload.length) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            /* a non-JSON answer is checked as text */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

beforeAll(async () => {
  server = await startServer();
  // the token a PIM administrator would create under Admin › Users and groups › Provisioning
  const db = new Database(server.dbFile);
  const tenant = db.prepare('SELECT id FROM tenants LIMIT 1').get() as { id: string };
  db.prepare('INSERT INTO scim_tokens (id, tenant_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    crypto.randomUUID(),
    tenant.id,
    'Okta',
    crypto.createHash('sha256').update(token).digest('hex'),
    token.slice(0, 10),
    Date.now(),
  );
  db.close();
});
afterAll(async () => {
  await server?.stop();
});

const isScimError = (r: Res, status: number) => {
  expect(r.status).toBe(status);
  expect(String(r.headers['content-type'])).toMatch(/^application\/scim\+json/);
  expect(r.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status) });
};

describe('SCIM over HTTPS', () => {
  it("answers a client without a token with 401 in SCIM's shape, not a sign-in redirect", async () => {
    const r = await send('GET', '/scim/v2/Users', undefined, { authorization: '' });
    isScimError(r, 401);
    expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer/);
  });

  it('provisions, finds, disables and deletes a user; origin checks do not apply, body limits do', async () => {
    const created = await send('POST', '/scim/v2/Users', {
      schemas: [CORE],
      userName: 'http.user@okta.local',
      displayName: 'HTTP User',
      active: true,
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${server.baseUrl}/scim/v2/Users/${created.body.id}`);
    expect(created.headers.etag).toBe('W/"1"');
    expect(String(created.headers['content-type'])).toMatch(/^application\/scim\+json/);
    const id = created.body.id as string;

    const found = await send(
      'GET',
      `/scim/v2/Users?filter=${encodeURIComponent('userName eq "HTTP.user@okta.local"')}&startIndex=1&count=100`,
    );
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id }] });

    // a client that happens to send an Origin header (a browser-based tool) is not refused as cross-origin
    const off = await send(
      'PATCH',
      `/scim/v2/Users/${id}`,
      { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] },
      { origin: 'https://idp.example' },
    );
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);

    const big = await send('POST', '/scim/v2/Users', { schemas: [CORE], userName: 'big@okta.local', title: 'x'.repeat(MB + 10) });
    isScimError(big, 413);

    expect((await send('DELETE', `/scim/v2/Users/${id}`)).status).toBe(204);
    isScimError(await send('GET', `/scim/v2/Users/${id}`), 404);
  });

  it('serves discovery', async () => {
    const r = await send('GET', '/scim/v2/ServiceProviderConfig');
    expect(r.status).toBe(200);
    expect(r.body.patch).toEqual({ supported: true });
    isScimError(await send('GET', '/scim/v2/Nothing'), 404);
  });
});

const cookiesOf = (res: Res) => ((res.headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.split(';')[0]);

/** next-auth's credentials sign-in as the sign-in page does it (as in tests/security): the session cookie. */
async function signIn(email: string): Promise<string> {
  const csrf = await send('GET', '/api/auth/csrf', undefined, { authorization: '' });
  const form = new URLSearchParams({
    csrfToken: csrf.body.csrfToken,
    email,
    password: DEMO_PASSWORD,
    json: 'true',
    callbackUrl: `${server.baseUrl}/`,
  });
  const res = await send('POST', '/api/auth/callback/credentials', form.toString(), {
    authorization: '',
    cookie: cookiesOf(csrf).join('; '),
    origin: server.baseUrl,
    'content-type': 'application/x-www-form-urlencoded',
  });
  const session = cookiesOf(res).find((c) => c.startsWith('__Secure-next-auth.session-token='));
  if (!session) throw new Error(`${email} could not sign in: ${res.status}`);
  return session;
}

describe('Admin › Users and groups › Provisioning', () => {
  it('shows PIM administrators the base URL and tokens, and others the refusal without an error status', async () => {
    const steve = await send('GET', '/admin/users/provisioning', undefined, {
      authorization: '',
      cookie: await signIn(DEMO_USERS.steve.email),
    });
    expect(steve.status).toBe(200);
    expect(steve.body).toContain(`${server.baseUrl}/scim/v2`);
    expect(steve.body).toContain(token.slice(0, 10)); // the token's prefix in the list, never the token
    expect(steve.body).not.toContain(token);
    const jen = await send('GET', '/admin/users/provisioning', undefined, {
      authorization: '',
      cookie: await signIn(DEMO_USERS.jen.email),
    });
    expect(jen.status).toBe(200);
    expect(jen.body).toContain('Provisioning is set up by tenant PIM administrators.');
    expect(jen.body).not.toContain('/scim/v2');
  });
});
