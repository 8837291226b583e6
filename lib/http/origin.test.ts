import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// the configured public URL differs from the host the requests are addressed to (a proxy in front)
vi.hoisted(() => {
  process.env.ELEVATE_URL = 'https://pim.example.test';
});
// route handlers must refuse before they read the session or the database
vi.mock('@/lib/auth/session', () => ({
  getCurrentUser: async () => {
    throw new Error('read the session');
  },
}));
vi.mock('@/db', () => ({
  getDb: () => {
    throw new Error('opened the database');
  },
}));

const { refuseCrossOrigin } = await import('./origin');
const { bodyLimitFor, crossOriginProblem, guardRequest, DEFAULT_BODY_LIMIT, IMPORT_BODY_LIMIT } = await import('./request-guard.mjs');

const PUBLIC = 'https://pim.example.test';
const HOST = 'localhost:3443';

type Row = [name: string, headers: Record<string, string>, allowed: boolean];
const table: Row[] = [
  ['same host', { host: HOST, origin: `https://${HOST}` }, true],
  ['same host, other case', { host: HOST, origin: 'https://LOCALHOST:3443' }, true],
  ['the configured public URL', { host: '10.0.0.5:3000', origin: PUBLIC }, true],
  [
    'the forwarded host',
    { host: '10.0.0.5:3000', 'x-forwarded-host': 'portal.example.test, proxy', origin: 'https://portal.example.test' },
    true,
  ],
  ['Sec-Fetch-Site: same-origin, no Origin', { host: HOST, 'sec-fetch-site': 'same-origin' }, true],
  ['Sec-Fetch-Site: none (typed by the user)', { host: HOST, 'sec-fetch-site': 'none' }, true],
  ['neither header: a non-browser client', { host: HOST }, true],
  ['another site', { host: HOST, origin: 'https://evil.example' }, false],
  ['another port of the same host', { host: HOST, origin: 'https://localhost:4000' }, false],
  ['a subdomain of the public URL', { host: HOST, origin: 'https://evil.pim.example.test' }, false],
  ['the public host with another scheme', { host: '10.0.0.5:3000', origin: 'http://pim.example.test' }, false],
  ['Origin: null (sandboxed frame)', { host: HOST, origin: 'null' }, false],
  ['a malformed Origin', { host: HOST, origin: 'not a url' }, false],
  ['Sec-Fetch-Site: cross-site, no Origin', { host: HOST, 'sec-fetch-site': 'cross-site' }, false],
  ['Sec-Fetch-Site: same-site (a sibling subdomain)', { host: HOST, 'sec-fetch-site': 'same-site', origin: `https://${HOST}` }, false],
  ['Sec-Fetch-Site: cross-site with a matching Origin', { host: HOST, 'sec-fetch-site': 'cross-site', origin: `https://${HOST}` }, false],
  ['no Host to compare, Origin not the public URL', { origin: 'https://evil.example' }, false],
];

describe('crossOriginProblem: which state-changing requests are same-origin', () => {
  it.each(table)('%s → %s', (_name, headers, allowed) => {
    expect(crossOriginProblem({ headers, publicUrl: PUBLIC }) === null).toBe(allowed);
    // a Fetch Headers object reads the same
    expect(crossOriginProblem({ headers: new Headers(headers), publicUrl: PUBLIC }) === null).toBe(allowed);
  });
});

describe('refuseCrossOrigin (route handlers)', () => {
  const req = (method: string, headers: Record<string, string>) => new Request(`https://${HOST}/api/notifications`, { method, headers });

  it.each(table)('POST, %s', async (_name, headers, allowed) => {
    const res = refuseCrossOrigin(req('POST', headers));
    if (allowed) return expect(res).toBeNull();
    expect(res!.status).toBe(403);
    expect(await res!.json()).toEqual({ error: { code: 'CrossOriginRequest', message: expect.stringContaining('another site') } });
  });

  it('leaves GET and HEAD alone, and guards PUT, PATCH and DELETE too', () => {
    const evil = { host: HOST, origin: 'https://evil.example' };
    expect(refuseCrossOrigin(req('GET', evil))).toBeNull();
    expect(refuseCrossOrigin(req('HEAD', evil))).toBeNull();
    for (const m of ['PUT', 'PATCH', 'DELETE']) expect(refuseCrossOrigin(req(m, evil))?.status).toBe(403);
  });
});

describe('state-changing route handlers under app/api', () => {
  const evil = { host: HOST, origin: 'https://evil.example', 'content-type': 'application/json' };

  it('POST /api/notifications from another site: 403 before the session is read', async () => {
    const { POST } = await import('@/app/api/notifications/route');
    const res = await POST(new Request(`https://${HOST}/api/notifications`, { method: 'POST', headers: evil, body: '{}' }));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('CrossOriginRequest');
  });

  it('POST /api/tokens/step-up from another site: 403 before the token is looked at', async () => {
    const { POST } = await import('@/app/api/tokens/step-up/route');
    const res = await POST(
      new Request(`https://${HOST}/api/tokens/step-up`, {
        method: 'POST',
        headers: { ...evil, authorization: 'Bearer x' },
        body: '{"code":"123456"}',
      }),
    );
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('CrossOriginRequest');
  });

  it('POST /api/auth/callback/credentials from another site (login CSRF): 403', async () => {
    const { POST } = await import('@/app/api/auth/[...nextauth]/route');
    const res = await POST(
      new Request(`https://${HOST}/api/auth/callback/credentials`, {
        method: 'POST',
        headers: { ...evil, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=a&password=b',
      }),
      { params: Promise.resolve({ nextauth: ['callback', 'credentials'] }) },
    );
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('CrossOriginRequest');
  });

  it('every route handler that exports a state-changing method checks the origin first', () => {
    const root = path.resolve(__dirname, '..', '..', 'app', 'api');
    const routes: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else if (e.name === 'route.ts') routes.push(path.join(dir, e.name));
      }
    };
    walk(root);
    expect(routes.length).toBeGreaterThan(5);
    const unguarded: string[] = [];
    let guarded = 0;
    for (const file of routes) {
      const src = fs.readFileSync(file, 'utf8');
      const changes =
        /export\s+(async\s+)?function\s+(POST|PUT|PATCH|DELETE)\b|export\s+const\s+(POST|PUT|PATCH|DELETE)\b|as\s+(POST|PUT|PATCH|DELETE)\b/.test(
          src,
        );
      if (!changes) continue;
      if (/refuseCrossOrigin\(req\)/.test(src)) guarded++;
      else unguarded.push(path.relative(root, file));
    }
    expect(unguarded).toEqual([]);
    expect(guarded).toBeGreaterThanOrEqual(3);
  });
});

describe('guardRequest (scripts/serve.mjs, in front of Next)', () => {
  const base = { host: HOST, origin: `https://${HOST}` };
  const guard = (method: string, url: string, headers: Record<string, string>) => guardRequest({ method, url, headers, publicUrl: PUBLIC });
  const MB = 1024 * 1024;

  it('refuses a cross-origin server action with 403 and a plain message Next shows as the error', () => {
    const r = guard('POST', '/admin/scope?scope=x', {
      host: HOST,
      origin: 'https://evil.example',
      'next-action': 'abc',
      'content-length': '10',
    })!;
    expect(r.status).toBe(403);
    expect(r.headers['Content-Type']).toBe('text/plain');
    expect(r.body).toMatch(/another site/);
  });

  it('answers the same refusal under /api in JSON', () => {
    const r = guard('POST', '/api/notifications', { host: HOST, origin: 'https://evil.example', 'content-length': '2' })!;
    expect(r.status).toBe(403);
    expect(r.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(r.body).error.code).toBe('CrossOriginRequest');
  });

  it('gives the resource import page 20 MB and everything else 1 MB', () => {
    expect(IMPORT_BODY_LIMIT).toBe(20 * MB);
    expect(DEFAULT_BODY_LIMIT).toBe(MB);
    expect(bodyLimitFor('/admin/resources').limit).toBe(20 * MB);
    expect(bodyLimitFor('/admin/resources/?tab=x').limit).toBe(20 * MB);
    expect(bodyLimitFor('/admin/resources/tree').limit).toBe(MB);
    expect(bodyLimitFor('/admin/scope').limit).toBe(MB);
    expect(bodyLimitFor('/api/notifications').limit).toBe(MB);
    expect(guard('POST', '/admin/resources', { ...base, 'content-length': String(12 * MB) })).toBeNull();
    expect(guard('POST', '/admin/resources', { ...base, 'content-length': String(20 * MB) })).toBeNull();
    const big = guard('POST', '/admin/resources', { ...base, 'content-length': String(25 * MB) })!;
    expect(big.status).toBe(413);
    expect(big.headers['Content-Type']).toBe('text/plain');
    expect(big.body).toBe('A resource import may be at most 20 MB; this one is 25 MB. Nothing was changed.');
    const other = guard('POST', '/my-roles', { ...base, 'content-length': String(2 * MB) })!;
    expect(other.status).toBe(413);
    expect(other.body).toBe('This request may be at most 1 MB; this one is 2 MB. Nothing was changed.');
    expect(guard('POST', '/my-roles', { ...base, 'content-length': String(MB) })).toBeNull();
    const api = guard('POST', '/api/notifications', { ...base, 'content-length': String(2 * MB) })!;
    expect(api.status).toBe(413);
    expect(JSON.parse(api.body)).toEqual({
      error: { code: 'PayloadTooLarge', message: 'This request may be at most 1 MB; this one is 2 MB. Nothing was changed.' },
    });
  });

  it('asks for a length when a state change streams its body (browsers never do)', () => {
    expect(guard('POST', '/my-roles', { ...base, 'transfer-encoding': 'chunked' })?.status).toBe(411);
    // no body at all is fine
    expect(guard('POST', '/my-roles', base)).toBeNull();
  });

  it('leaves reads and the ARM API alone', () => {
    expect(guard('GET', '/admin/resources', { host: HOST, origin: 'https://evil.example' })).toBeNull();
    expect(guard('HEAD', '/', { host: HOST, origin: 'https://evil.example' })).toBeNull();
    expect(
      guard('PUT', '/subscriptions/x/providers/Microsoft.Authorization/roleAssignments/y', {
        host: HOST,
        'content-length': String(2 * MB),
        'transfer-encoding': 'chunked',
      }),
    ).toBeNull();
    expect(guard('PUT', '/PROVIDERS/Microsoft.Management/x', { host: HOST, origin: 'https://evil.example' })).toBeNull();
  });
});
