import crypto from 'node:crypto';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { FullOperationResponse } from '@azure/core-client';
import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import { openDatabase } from '@/db/client';
import { auditEvents } from '@/db/schema';
import { DEMO_TENANT_ID } from '@/db/seed/demo';
import { CONTRIBUTOR, OWNER, SUB, SUB_ID, all, client, restError, rg, roleDef, seedTokens, type Persona } from './support';
import { startServer, type TestServer } from './server';

/**
 * The HTTP layer of the Azure-compatible API, driven by @azure/arm-authorization and its
 * own pipeline (bearer token, TLS with the test CA): ARM paths in any casing, request ids
 * on every answer and in the audit, `Allow` on 405s. What the SDK cannot send (malformed
 * percent-encoding, dot segments, a text/plain body) goes over node:https with the same CA.
 */

let server: TestServer;
let people: Record<Persona, { id: string; token: string }>;
let steve: AuthorizationManagementClient;
let jen: AuthorizationManagementClient;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MG = `providers/Microsoft.Management/managementGroups/${DEMO_TENANT_ID}`;
const SCHEDULES = '/providers/Microsoft.Authorization/roleEligibilitySchedules?api-version=2020-10-01';

/** Operation options that record every raw response the SDK receives. */
function recording(headers: Record<string, string> = {}) {
  const seen: FullOperationResponse[] = [];
  return { seen, options: { requestOptions: { customHeaders: headers }, onResponse: (raw: FullOperationResponse) => void seen.push(raw) } };
}

/** Any method through the client's own pipeline (bearer token, TLS with the test CA), no body. */
function call(
  c: AuthorizationManagementClient,
  method: 'GET' | 'DELETE' | 'OPTIONS' | 'PUT' | 'POST',
  pathAndQuery: string,
  headers: Record<string, string> = {},
): Promise<PipelineResponse> {
  return c.sendRequest(createPipelineRequest({ url: `${server.baseUrl}${pathAndQuery}`, method, headers: createHttpHeaders(headers) }));
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** A request exactly as written (path not normalised, any body and content type), over HTTPS with the test CA. */
function raw(method: string, path: string, opts: { token?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const u = new URL(server.baseUrl);
    const headers: Record<string, string> = { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = https.request({ host: u.hostname, port: u.port, method, path, headers, ca: server.ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

beforeAll(async () => {
  server = await startServer();
  people = seedTokens(server);
  steve = client(server, people.steve.token);
  jen = client(server, people.jen.token);
});

afterAll(async () => {
  await server?.stop();
});

describe('ARM paths in any casing, through the SDK', () => {
  it('/Subscriptions/… lists and gets, answered in JSON by the API, not redirected', async () => {
    const lower = await all(jen.roleEligibilitySchedules.listForScope(SUB, { filter: 'asTarget()' }));
    expect(lower.length).toBeGreaterThan(0);
    const { seen, options } = recording();
    const upper = await all(jen.roleEligibilitySchedules.listForScope(`Subscriptions/${SUB_ID}`, { filter: 'asTarget()', ...options }));
    expect(upper.map((s) => s.name).sort()).toEqual(lower.map((s) => s.name).sort());
    const one = await jen.roleEligibilitySchedules.get(`Subscriptions/${SUB_ID}`, lower[0].name!, options);
    expect(one.id).toBe(lower[0].id);
    // a leading slash makes the SDK write `//Subscriptions/…`: still the API
    expect(
      (await all(jen.roleEligibilitySchedules.listForScope(`/SUBSCRIPTIONS/${SUB_ID}/resourceGroups/finance-dev`, options))).length,
    ).toBeGreaterThan(0);
    expect(seen.length).toBe(3);
    for (const r of seen) {
      expect(r.status).toBe(200);
      expect(r.request.url).toMatch(/\/subscriptions\//i);
      expect(r.request.url).not.toMatch(/\/subscriptions\//); // the casing the client sent, not a redirect target
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('/PROVIDERS/… at a management group and at the tenant lists and gets', async () => {
    const { seen, options } = recording();
    const atMg = await all(steve.roleDefinitions.list(MG.replace('providers/', 'PROVIDERS/'), options));
    expect(atMg.some((r) => r.name === OWNER)).toBe(true);
    const tenant = await jen.roleDefinitions.getById(`Providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`, options);
    expect(tenant.roleName).toBe('Contributor');
    const eligibleAtMg = await all(steve.roleEligibilitySchedules.listForScope(MG.replace('providers/', 'pRoViDeRs/'), options));
    expect(eligibleAtMg.length).toBeGreaterThan(0);
    expect(seen.map((r) => r.status)).toEqual(seen.map(() => 200));
    const approvals = await call(jen, 'GET', '/PROVIDERS/Microsoft.Authorization/roleAssignmentApprovals?api-version=2021-01-01-preview');
    expect(approvals.status).toBe(200);
    expect(JSON.parse(approvals.bodyAsText!)).toHaveProperty('value');
  });

  it("without a token the upper-case path is the API's 401, never sign-in; errors keep their ARM codes", async () => {
    for (const path of [
      `/Subscriptions/${SUB_ID}${SCHEDULES}`,
      `/PROVIDERS/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`,
    ]) {
      const res = await raw('GET', path);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers.location).toBeUndefined();
      expect(res.json.error.code).toBe('AuthenticationFailed');
    }
    const missing = await restError(jen.roleEligibilitySchedules.get(`SUBSCRIPTIONS/${SUB_ID}`, crypto.randomUUID()));
    expect(missing.statusCode).toBe(404);
    for (const path of ['/Subscriptions', '/providers', '/PROVIDERS/']) {
      const bare = await raw('GET', path, { token: people.jen.token });
      expect([bare.status, bare.json?.error?.code, bare.headers['x-ms-request-id']]).toEqual([
        404,
        'InvalidResourceType',
        expect.stringMatching(GUID),
      ]);
    }
  });
});

describe('request ids', () => {
  it('every answer carries x-ms-request-id; the correlation id is echoed, or made', async () => {
    const correlation = crypto.randomUUID();
    const { seen, options } = recording({ 'x-ms-correlation-request-id': correlation });
    await all(jen.roleEligibilitySchedules.listForScope(SUB, options));
    const ok = seen[0];
    expect(ok.headers.get('x-ms-request-id')).toMatch(GUID);
    expect(ok.headers.get('x-ms-correlation-request-id')).toBe(correlation);
    // the SDK's own x-ms-client-request-id comes back too
    expect(ok.headers.get('x-ms-client-request-id')).toBe(ok.request.headers.get('x-ms-client-request-id'));

    const err = await restError(
      jen.roleEligibilitySchedules.get(SUB, crypto.randomUUID(), {
        requestOptions: { customHeaders: { 'x-ms-correlation-request-id': correlation } },
      }),
    );
    expect(err.statusCode).toBe(404);
    expect(err.response!.headers.get('x-ms-request-id')).toMatch(GUID);
    expect(err.response!.headers.get('x-ms-request-id')).not.toBe(ok.headers.get('x-ms-request-id'));
    expect(err.response!.headers.get('x-ms-correlation-request-id')).toBe(correlation);

    const unauth = await restError(client(server, `elv_${'x'.repeat(43)}`).roleDefinitions.getById(roleDef(OWNER)));
    expect(unauth.statusCode).toBe(401);
    expect(unauth.response!.headers.get('x-ms-request-id')).toMatch(GUID);
    expect(unauth.response!.headers.get('x-ms-correlation-request-id')).toMatch(GUID); // none sent: one of ours

    const forged = await call(jen, 'GET', `/${SUB}${SCHEDULES}`, { 'x-ms-correlation-request-id': 'not an id; <script>' });
    expect(forged.headers.get('x-ms-correlation-request-id')).toMatch(GUID);
  });

  it("a change's audit event carries its request and correlation ids, and so does the log line", async () => {
    const correlation = `case-${crypto.randomUUID()}`;
    const { seen, options } = recording({ 'x-ms-correlation-request-id': correlation });
    const name = crypto.randomUUID();
    const created = await steve.roleEligibilityScheduleRequests.create(
      rg('finance-test'),
      name,
      {
        principalId: people.sam.id,
        roleDefinitionId: roleDef(CONTRIBUTOR),
        requestType: 'AdminAssign',
        scheduleInfo: { startDateTime: new Date(), expiration: { type: 'AfterDuration', duration: 'P7D' } },
        justification: 'Sam helps with the test environment',
      },
      options,
    );
    expect(created.status).toBe('Provisioned');
    const requestId = seen[0].headers.get('x-ms-request-id')!;
    expect(requestId).toMatch(GUID);
    expect(seen[0].headers.get('x-ms-correlation-request-id')).toBe(correlation);

    const { db, sqlite } = openDatabase(server.dbFile);
    try {
      const events = db.select().from(auditEvents).where(eq(auditEvents.requestId, name)).all();
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) expect(JSON.parse(e.details)).toMatchObject({ apiRequestId: requestId, correlationId: correlation });
      // nothing else was stamped with this call's id
      const stamped = db
        .select()
        .from(auditEvents)
        .all()
        .filter((e) => JSON.parse(e.details).apiRequestId === requestId);
      expect(stamped.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    } finally {
      sqlite.close();
    }
    await expect
      .poll(() => server.logs())
      .toMatch(
        new RegExp(
          `\\[elevate\\] api PUT /subscriptions/${SUB_ID}/resourceGroups/finance-test/providers/Microsoft.Authorization/` +
            `roleEligibilityScheduleRequests/${name}\\?api-version=2020-10-01 201 \\d+ms request-id=${requestId} correlation-id=${correlation}`,
        ),
      );
  });
});

describe('405 carries Allow', () => {
  it('names the methods the path supports', async () => {
    const schedule = (await all(jen.roleEligibilitySchedules.listForScope(SUB, { filter: 'asTarget()' })))[0];
    const del = await call(
      jen,
      'DELETE',
      `/${SUB}/providers/Microsoft.Authorization/roleEligibilitySchedules/${schedule.name}?api-version=2020-10-01`,
    );
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    expect(JSON.parse(del.bodyAsText!).error.code).toBe('MethodNotAllowed');
    expect(del.headers.get('x-ms-request-id')).toMatch(GUID);

    const policies = await all(steve.roleManagementPolicies.listForScope(rg('finance-test')));
    const put = await call(
      steve,
      'PUT',
      `/${rg('finance-test')}/providers/Microsoft.Authorization/roleManagementPolicies/${policies[0].name}?api-version=2020-10-01`,
    );
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')!.split(', ')).toEqual(expect.arrayContaining(['GET', 'PATCH']));
    expect(put.headers.get('allow')).not.toMatch(/PUT/);

    const list = await call(jen, 'POST', `/Subscriptions/${SUB_ID}${SCHEDULES}`);
    expect([list.status, list.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const options = await call(jen, 'OPTIONS', `/${SUB}${SCHEDULES}`);
    expect([options.status, options.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});

describe('what the SDK cannot send, over raw HTTPS', () => {
  const good = `/${rg('finance-dev')}${SCHEDULES}`;

  it('HEAD is a GET without a body; a trailing slash is no redirect', async () => {
    const head = await raw('HEAD', good, { token: people.jen.token });
    expect([head.status, head.text]).toEqual([200, '']);
    expect(head.headers['x-ms-request-id']).toMatch(GUID);
    const slash = await raw('GET', `/${SUB}/providers/Microsoft.Authorization/roleDefinitions/?api-version=2022-04-01`, {
      token: people.jen.token,
    });
    expect(slash.status).toBe(200);
    expect(slash.json.value.length).toBeGreaterThan(0);
  });

  it('malformed percent-encoding is a 400 InvalidRequestUri, with or without a token', async () => {
    for (const bad of [
      `/${SUB}/resourceGroups/%${SCHEDULES}`,
      `/${SUB}/resourceGroups/%E0%A4%A${SCHEDULES}`,
      `/Subscriptions/${SUB_ID}/resourceGroups/%E0%A4${SCHEDULES}`,
    ]) {
      for (const token of [undefined, people.jen.token]) {
        const res = await raw('GET', bad, { token, headers: { 'x-ms-correlation-request-id': 'corr-malformed' } });
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.json.error).toMatchObject({ code: 'InvalidRequestUri', message: expect.stringMatching(/percent-encoding/) });
        expect(res.headers['x-ms-request-id']).toMatch(GUID);
        expect(res.headers['x-ms-correlation-request-id']).toBe('corr-malformed');
      }
    }
    const last = await raw('GET', `/${SUB}/resourceGroups/%${SCHEDULES}`);
    await expect
      .poll(() => server.logs())
      .toMatch(
        new RegExp(
          `\\[elevate\\] api GET /subscriptions/${SUB_ID}/resourceGroups/%/providers/\\S+ 400 \\d+ms request-id=${last.headers['x-ms-request-id']} `,
        ),
      );
  });

  it('dot segments are refused (400), not resolved to another scope', async () => {
    const prod = await raw('GET', `/${rg('finance-prod')}${SCHEDULES}`, { token: people.steve.token });
    expect(prod.status).toBe(200);
    for (const dots of ['..', '%2e%2e', '%2E.', '.']) {
      const res = await raw('GET', `/${SUB}/resourceGroups/finance-dev/${dots}/finance-prod${SCHEDULES}`, { token: people.steve.token });
      expect([res.status, res.json?.error?.code]).toEqual([400, 'InvalidRequestUri']);
      expect(res.headers['x-ms-request-id']).toMatch(GUID);
    }
    const back = await raw('GET', `/${SUB}/resourceGroups/finance-dev\\..\\finance-prod${SCHEDULES}`, { token: people.steve.token });
    expect([back.status, back.json?.error?.code, back.headers.location]).toEqual([400, 'InvalidRequestUri', undefined]);
  });

  it('a body that is not application/json is a 415; JSON with charset=utf-8 and a body-less POST pass', async () => {
    const body = JSON.stringify({
      properties: {
        principalId: people.sam.id,
        roleDefinitionId: roleDef(CONTRIBUTOR),
        requestType: 'AdminAssign',
        scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'AfterDuration', duration: 'P7D' } },
        justification: 'media types',
      },
    });
    const at = (name: string) =>
      `/${rg('finance-prod')}/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/${name}?api-version=2020-10-01`;
    const refusedName = crypto.randomUUID();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=iso-8859-1']) {
      const res = await raw('PUT', at(refusedName), { token: people.steve.token, body, headers: { 'content-type': type } });
      expect([res.status, res.json?.error?.code]).toEqual([415, 'UnsupportedMediaType']);
      expect(res.headers['x-ms-request-id']).toMatch(GUID);
    }
    const untyped = await raw('PUT', at(refusedName), { token: people.steve.token, body });
    expect([untyped.status, untyped.json?.error?.code]).toEqual([415, 'UnsupportedMediaType']);
    // nothing was written by the refused calls
    expect((await restError(steve.roleEligibilityScheduleRequests.get(rg('finance-prod'), refusedName))).statusCode).toBe(404);

    const ok = await raw('PUT', at(crypto.randomUUID()), {
      token: people.steve.token,
      body,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(ok.status).toBe(201);
    const cancel = await raw(
      'POST',
      `/${SUB}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${crypto.randomUUID()}/cancel?api-version=2020-10-01`,
      { token: people.jen.token },
    );
    expect(cancel.status).toBe(404); // past the media-type check: the request does not exist
  });
});
