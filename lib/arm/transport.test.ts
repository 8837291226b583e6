import { afterEach, describe, expect, it, vi } from 'vitest';
import { desc } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import { writeAudit } from '@/lib/audit/write';
import { freshDb } from '@/tests/support/db';
import { armRawErrorResponse, armRawLogLine, checkArmRawUrl } from '@/scripts/arm-raw-url.mjs';
import { ArmError } from './errors';
import { currentRequestIds, newRequestIds, requestIdHeaders, runWithRequestIds, withRequestIds } from './request-id';
import { apiLogLine, armRoutePath, armTransport, hasBody, isBareArmPath, logPath, mediaTypeError } from './transport';

const SUB = '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const h = (init: Record<string, string>) => new Headers(init);

afterEach(() => vi.restoreAllMocks());

describe('ARM paths in any casing', () => {
  it('lower-cases only the first segment, and only of ARM paths', () => {
    expect(armRoutePath(`/Subscriptions/ABC/providers/Microsoft.Authorization/roleDefinitions`)).toBe(
      '/subscriptions/ABC/providers/Microsoft.Authorization/roleDefinitions',
    );
    expect(armRoutePath('/PROVIDERS/Microsoft.Authorization/roleAssignmentApprovals')).toBe(
      '/providers/Microsoft.Authorization/roleAssignmentApprovals',
    );
    expect(armRoutePath('/Providers')).toBe('/providers');
    expect(armRoutePath(`${SUB}/x`)).toBeNull(); // already lower case
    expect(armRoutePath('/SubscriptionsX/y')).toBeNull();
    expect(armRoutePath('/my-roles')).toBeNull();
    expect([isBareArmPath('/SUBSCRIPTIONS'), isBareArmPath('/providers/'), isBareArmPath('/providers/x')]).toEqual([true, true, false]);
  });
});

describe('media type', () => {
  it('needs application/json (UTF-8) on PUT, PATCH and POST bodies only', () => {
    const json = { 'content-length': '2' };
    expect(mediaTypeError('PUT', h({ ...json, 'content-type': 'application/json' }))).toBeNull();
    expect(mediaTypeError('PATCH', h({ ...json, 'content-type': 'application/json; charset=utf-8' }))).toBeNull();
    expect(mediaTypeError('POST', h({ ...json, 'content-type': 'Application/JSON;charset="UTF-8"' }))).toBeNull();
    expect(mediaTypeError('PUT', h({ ...json, 'content-type': 'text/plain' }))).toMatchObject({
      status: 415,
      code: 'UnsupportedMediaType',
    });
    expect(mediaTypeError('PUT', h({ ...json, 'content-type': 'application/json; charset=iso-8859-1' }))?.status).toBe(415);
    expect(mediaTypeError('PUT', h({ ...json, 'content-type': 'application/jsonx' }))?.status).toBe(415);
    expect(mediaTypeError('POST', h(json))?.message).toMatch(/no Content-Type/);
    expect(mediaTypeError('PATCH', h({ 'transfer-encoding': 'chunked', 'content-type': 'text/plain' }))?.status).toBe(415);
    // a body-less POST (cancel) and GETs need no content type
    expect(mediaTypeError('POST', h({}))).toBeNull();
    expect(mediaTypeError('POST', h({ 'content-length': '0', 'content-type': 'text/plain' }))).toBeNull();
    expect(mediaTypeError('GET', h({ ...json, 'content-type': 'text/plain' }))).toBeNull();
    expect([
      hasBody(h({})),
      hasBody(h({ 'content-length': '0' })),
      hasBody(h({ 'content-length': '5' })),
      hasBody(h({ 'transfer-encoding': 'chunked' })),
    ]).toEqual([false, false, true, true]);
  });
});

describe('request ids', () => {
  it('are new for each call; a safe correlation id is echoed, anything else replaced', () => {
    const a = newRequestIds(h({ 'x-ms-correlation-request-id': 'c0ffee00-1111-2222-3333-444455556666' }));
    expect(a.requestId).toMatch(GUID);
    expect(a.correlationId).toBe('c0ffee00-1111-2222-3333-444455556666');
    expect(newRequestIds(h({})).correlationId).toMatch(GUID);
    expect(newRequestIds({ get: () => 'evil\r\nx: y' }).correlationId).toMatch(GUID);
    expect(newRequestIds(h({ 'x-ms-correlation-request-id': 'a b' })).correlationId).toMatch(GUID);
    expect(newRequestIds(h({})).requestId).not.toBe(a.requestId);
    expect(requestIdHeaders(a, h({ 'x-ms-client-request-id': 'sdk-1' }))).toEqual({
      'x-ms-request-id': a.requestId,
      'x-ms-correlation-request-id': a.correlationId,
      'x-ms-client-request-id': 'sdk-1',
    });
  });

  it('reach audit details during the call only, never overwriting a detail', async () => {
    expect(withRequestIds({ a: 1 })).toEqual({ a: 1 });
    const ids = { requestId: 'r-1', correlationId: 'c-1' };
    let later: Promise<unknown> = Promise.resolve();
    await runWithRequestIds(ids, async () => {
      await new Promise((r) => setTimeout(r, 1));
      expect(currentRequestIds()).toEqual(ids);
      expect(withRequestIds({ a: 1 })).toEqual({ apiRequestId: 'r-1', correlationId: 'c-1', a: 1 });
      expect(withRequestIds({ apiRequestId: 'own' })).toMatchObject({ apiRequestId: 'own', correlationId: 'c-1' });
      // work the call leaves behind is not the call's once it has answered
      later = new Promise((r) => setTimeout(() => r(currentRequestIds()), 20));
    });
    expect(currentRequestIds()).toBeUndefined();
    expect(await later).toBeUndefined();
  });

  it('are written into the audit event of a change made during the call', async () => {
    const t = freshDb();
    try {
      const last = () => JSON.parse(t.db.select().from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get()!.details);
      await runWithRequestIds({ requestId: 'r-2', correlationId: 'c-2' }, async () => {
        writeAudit(t.db, { at: t.now, actor: { id: null, name: 'test' }, action: 'Test event', details: { x: 1 } });
      });
      expect(last()).toEqual({ apiRequestId: 'r-2', correlationId: 'c-2', x: 1 });
      writeAudit(t.db, { at: t.now, actor: { id: null, name: 'test' }, action: 'Test event', details: { x: 2 } });
      expect(last()).toEqual({ x: 2 });
    } finally {
      t.close();
    }
  });
});

describe('the log line', () => {
  it('keeps known query values, elides the rest', () => {
    const url = new URL(
      `https://h${SUB}/providers/Microsoft.Authorization/roleEligibilitySchedules?api-version=2020-10-01&$filter=asTarget()&$skipToken=secret&token=abc`,
    );
    const path = logPath(url);
    expect(path).toContain('api-version=2020-10-01');
    expect(path).toContain(`$filter=${encodeURIComponent('asTarget()')}`);
    expect(logPath(new URL("https://h/x?$filter=roleName eq 'Owner'%0A"))).toBe("/x?$filter=roleName%20eq%20'Owner'%0A");
    expect(path).not.toMatch(/secret|abc/);
    expect(apiLogLine('GET', path, 200, 12.4, { requestId: 'r', correlationId: 'c' })).toBe(
      `[elevate] api GET ${path} 200 12ms request-id=r correlation-id=c`,
    );
  });
});

describe('armTransport', () => {
  const base = `https://elevate.test${SUB}/providers/Microsoft.Authorization`;

  it('adds ids to every answer, Allow to a 405, and logs one line', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    let seen: unknown;
    const serve = armTransport(
      async () => {
        seen = currentRequestIds();
        return new Response('{"error":{}}', { status: 405 });
      },
      () => ['GET', 'PATCH'],
    );
    const res = await serve(
      new Request(`${base}/roleManagementPolicies/x?api-version=2020-10-01`, {
        method: 'DELETE',
        headers: { 'x-ms-correlation-request-id': 'corr-1' },
      }),
    );
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PATCH, HEAD');
    expect(res.headers.get('x-ms-correlation-request-id')).toBe('corr-1');
    const id = res.headers.get('x-ms-request-id')!;
    expect(id).toMatch(GUID);
    expect(seen).toEqual({ requestId: id, correlationId: 'corr-1' });
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatch(
      new RegExp(
        `^\\[elevate\\] api DELETE /subscriptions/.*/roleManagementPolicies/x\\?api-version=2020-10-01 405 \\d+ms request-id=${id} correlation-id=corr-1$`,
      ),
    );
  });

  it('answers 415 before the handler runs, and serves HEAD as a GET', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const methods: string[] = [];
    const serve = armTransport(
      async (req) => {
        methods.push(req.method);
        return Response.json({ ok: true });
      },
      () => null,
    );
    const refused = await serve(
      new Request(`${base}/roleEligibilityScheduleRequests/x`, {
        method: 'PUT',
        body: '{}',
        headers: { 'content-type': 'text/plain', 'content-length': '2' },
      }),
    );
    expect(refused.status).toBe(415);
    expect(await refused.json()).toEqual({ error: { code: 'UnsupportedMediaType', message: expect.stringContaining("'text/plain'") } });
    expect(refused.headers.get('x-ms-request-id')).toMatch(GUID);
    const head = await serve(new Request(`${base}/roleDefinitions`, { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(methods).toEqual(['GET']);
  });

  it("copies a response whose headers cannot be changed, and turns a throw into ARM's 500", async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const frozen = armTransport(
      async () => Response.redirect('https://elevate.test/x', 302),
      () => null,
    );
    expect((await frozen(new Request(`${base}/roleDefinitions`))).headers.get('x-ms-request-id')).toMatch(GUID);
    const thrown = armTransport(
      async () => {
        throw new ArmError(409, 'Conflict', 'no');
      },
      () => null,
    );
    const res = await thrown(new Request(`${base}/roleDefinitions`));
    expect([res.status, (await res.json()).error.code]).toEqual([409, 'Conflict']);
    expect(res.headers.get('x-ms-request-id')).toMatch(GUID);
  });
});

describe('raw URLs (scripts/serve.mjs)', () => {
  const rg = `${SUB}/resourceGroups`;
  const tail = '/providers/Microsoft.Authorization/roleEligibilitySchedules?api-version=2020-10-01';
  const code = (u: string) => {
    const r = checkArmRawUrl(u);
    return 'error' in r ? `${r.error.status} ${r.error.code}` : r.url;
  };

  it('refuses malformed percent-encoding, dot segments and backslashes in ARM paths', () => {
    for (const bad of [`${rg}/%${tail}`, `${rg}/%E0%A4%A${tail}`, `${rg}/%E0%A4${tail}`, `${rg}/%zz${tail}`])
      expect(code(bad)).toBe('400 InvalidRequestUri');
    for (const dots of ['..', '.', '%2e%2e', '%2E%2e', '.%2e', '%2e', '%2E.'])
      expect(code(`${rg}/finance-dev/${dots}/finance-prod${tail}`)).toBe('400 InvalidRequestUri');
    expect(code(`${rg}/finance-dev\\..\\finance-prod${tail}`)).toBe('400 InvalidRequestUri');
    expect(code(`/PROVIDERS/Microsoft.Authorization/../x`)).toBe('400 InvalidRequestUri');
    expect((checkArmRawUrl(`${rg}/%${tail}`) as { error: { message: string } }).error.message).toMatch(/percent-encoding/);
  });

  it('leaves good ARM URLs (and every other URL) alone, dropping only a trailing slash', () => {
    expect(code(`${rg}/finance-dev${tail}`)).toBe(`${rg}/finance-dev${tail}`);
    expect(code(`${rg}/finance..dev/a.b${tail}`)).toBe(`${rg}/finance..dev/a.b${tail}`);
    expect(code(`${rg}/fin%20ance${tail}&x=%`)).toBe(`${rg}/fin%20ance${tail}&x=%`); // only the path is checked
    expect(code(`${SUB}/providers/Microsoft.Authorization/roleDefinitions/?api-version=2022-04-01`)).toBe(
      `${SUB}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`,
    );
    expect(code('/subscriptions/')).toBe('/subscriptions');
    expect(code('/my-roles/../%')).toBe('/my-roles/../%');
    expect(code('/_next/static/x/')).toBe('/_next/static/x/');
  });

  it("answers with ARM's body and ids, and logs without the query", () => {
    const out = armRawErrorResponse(
      { status: 400, code: 'InvalidRequestUri', message: 'no' },
      { 'x-ms-correlation-request-id': 'corr-9', 'x-ms-client-request-id': 'bad id' },
    );
    expect(JSON.parse(out.body)).toEqual({ error: { code: 'InvalidRequestUri', message: 'no' } });
    expect(out.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-ms-correlation-request-id': 'corr-9',
      'x-ms-request-id': out.requestId,
    });
    expect(out.headers['x-ms-client-request-id']).toBeUndefined();
    expect(out.requestId).toMatch(GUID);
    expect(armRawErrorResponse({ status: 400, code: 'x', message: 'y' }, { 'x-ms-correlation-request-id': 'a\nb' }).correlationId).toMatch(
      GUID,
    );
    expect(armRawLogLine('GET', `${rg}/a b/%${tail}`, 400, 1, out)).toBe(
      `[elevate] api GET ${rg}/a%20b/%/providers/Microsoft.Authorization/roleEligibilitySchedules?… 400 1ms ` +
        `request-id=${out.requestId} correlation-id=corr-9`,
    );
  });
});
