import 'server-only';
import type { Db } from '@/db/client';
import { DEFAULT_BODY_LIMIT } from '@/lib/http/request-guard.mjs';
import { LIST_URN, SCIM_BASE_PATH, SCIM_CONTENT_TYPE } from './constants';
import { badRequest, errorBody, ScimError } from './errors';
import { excluded, etagOf, project, readPaging } from './resource';
import { resourceTypes, schemas, serviceProviderConfig } from './discovery';
import { authenticateScimToken, type ScimClient } from './tokens';
import * as U from './users';
import * as G from './groups';
import type { Doc } from './patch';

/**
 * The SCIM 2.0 service provider's HTTP layer (ADR 102), for app/scim/v2/[[...path]]:
 * authenticate the bearer SCIM token, check the media type and body, dispatch, and answer
 * in SCIM's shapes (application/scim+json, ListResponse, Error with scimType, ETag and
 * Location). Every write runs in one transaction with its audit events, in lib/scim.
 * A client is a machine with a bearer token and no cookies, so the portal's origin check
 * does not apply; body limits do.
 */
export interface ScimHttpOptions {
  db: Db;
  now: () => number;
  /** the public address, for meta.location: `https://pim.example.com` */
  publicUrl: string;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': SCIM_CONTENT_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers },
  });

const fail = (e: ScimError, headers: Record<string, string> = {}) => json(e.status, errorBody(e), headers);

function authenticate(db: Db, header: string | null, now: number): ScimClient {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const client = m ? authenticateScimToken(db, m[1], now) : null;
  if (!client) {
    throw new ScimError(
      401,
      header
        ? 'The SCIM token is invalid or revoked. Create a new one under Admin › Users and groups › Provisioning.'
        : 'Send "Authorization: Bearer scim_…" with a SCIM token from Admin › Users and groups › Provisioning.',
    );
  }
  return client;
}

const BODY_TYPES = ['application/scim+json', 'application/json'];

/** The JSON body of a POST, PUT or PATCH: SCIM's or plain JSON media type, UTF-8, within the body limit. */
async function readBody(req: Request): Promise<unknown> {
  const type = req.headers.get('content-type')?.split(';')[0].trim().toLowerCase() ?? '';
  if (!BODY_TYPES.includes(type))
    throw new ScimError(415, `Send the body as application/scim+json (or application/json), not "${type.slice(0, 80) || 'nothing'}".`);
  const text = await req.text();
  if (Buffer.byteLength(text) > DEFAULT_BODY_LIMIT) throw new ScimError(413, 'The body is larger than 1 MB. Nothing was changed.');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('invalidSyntax', 'The body is not valid JSON.');
  }
}

const listResponse = (total: number, startIndex: number, items: Doc[], params: URLSearchParams) => ({
  schemas: [LIST_URN],
  totalResults: total,
  startIndex,
  itemsPerPage: items.length,
  Resources: items.map((r) => project(r, params)),
});

const methodNotAllowed = (allow: string) => {
  const e = new ScimError(405, `This path accepts ${allow}.`);
  return fail(e, { allow });
};

function resource(status: number, doc: Doc, params: URLSearchParams, location = false) {
  const m = doc.meta as { version: string; location: string };
  return json(status, project(doc, params), { etag: m.version, ...(location ? { location: m.location } : {}) });
}

export async function handleScim(req: Request, opts: ScimHttpOptions): Promise<Response> {
  const url = new URL(req.url);
  const rest = url.pathname.slice(url.pathname.toLowerCase().indexOf(SCIM_BASE_PATH) + SCIM_BASE_PATH.length);
  const method = req.method.toUpperCase();
  const base = `${opts.publicUrl.replace(/\/+$/, '')}${SCIM_BASE_PATH}`;
  try {
    // a malformed escape (%E0%A4%A) is the client's mistake: a SCIM 404, not a server error
    const parts = rest
      .split('/')
      .filter(Boolean)
      .map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          throw new ScimError(404, 'There is nothing at that address: it is not a valid URL path.');
        }
      });
    const now = opts.now();
    const client = authenticate(opts.db, req.headers.get('authorization'), now);
    const ctx: U.ScimContext = { db: opts.db, client, now, baseUrl: base };
    const params = url.searchParams;
    const [kind, id, ...extra] = parts;
    const k = kind?.toLowerCase();
    if (extra.length) throw new ScimError(404, `There is nothing at ${url.pathname.slice(0, 200)}.`);
    if (k === 'serviceproviderconfig' && id === undefined)
      return method === 'GET' ? json(200, serviceProviderConfig(base)) : methodNotAllowed('GET');
    if (k === 'resourcetypes') return method === 'GET' ? json(200, resourceTypes(base, id)) : methodNotAllowed('GET');
    if (k === 'schemas') return method === 'GET' ? json(200, schemas(base, id)) : methodNotAllowed('GET');
    if (k === 'users' && id === undefined) {
      if (method === 'GET') {
        const paging = readPaging(params);
        const { total, items } = U.listUsers(ctx, params.get('filter'), paging);
        return json(200, listResponse(total, paging.startIndex, items, params));
      }
      if (method === 'POST') return resource(201, U.createUser(ctx, await readBody(req)), params, true);
      return methodNotAllowed('GET, POST');
    }
    if (k === 'users') {
      const ifMatch = req.headers.get('if-match');
      if (method === 'GET') return resource(200, U.getUser(ctx, id), params);
      if (method === 'PUT') return resource(200, U.replaceUser(ctx, id, await readBody(req), ifMatch), params);
      if (method === 'PATCH') return resource(200, U.patchUser(ctx, id, await readBody(req), ifMatch), params);
      if (method === 'DELETE') {
        U.deleteUser(ctx, id, ifMatch);
        return json(204, null);
      }
      return methodNotAllowed('GET, PUT, PATCH, DELETE');
    }
    if (k === 'groups' && id === undefined) {
      const withMembers = !excluded(params, 'members');
      if (method === 'GET') {
        const paging = readPaging(params);
        const { total, items } = G.listGroups(ctx, params.get('filter'), paging, withMembers);
        return json(200, listResponse(total, paging.startIndex, items, params));
      }
      if (method === 'POST') return resource(201, G.createGroup(ctx, await readBody(req)).resource, params, true);
      return methodNotAllowed('GET, POST');
    }
    if (k === 'groups') {
      const ifMatch = req.headers.get('if-match');
      const withMembers = !excluded(params, 'members');
      if (method === 'GET') return resource(200, G.getGroup(ctx, id, withMembers), params);
      if (method === 'PUT') return resource(200, G.replaceGroup(ctx, id, await readBody(req), ifMatch, withMembers), params);
      if (method === 'PATCH') {
        const doc = G.patchGroup(ctx, id, await readBody(req), ifMatch, withMembers);
        // Entra ID and Okta read nothing back from a group PATCH: 204 spares sending every member
        return params.has('attributes') || params.has('excludedAttributes')
          ? resource(200, doc, params)
          : json(204, null, { etag: etagOf(versionOf(doc)) });
      }
      if (method === 'DELETE') {
        G.deleteGroup(ctx, id, ifMatch);
        return json(204, null);
      }
      return methodNotAllowed('GET, PUT, PATCH, DELETE');
    }
    throw new ScimError(
      404,
      `There is nothing at ${url.pathname.slice(0, 200)}: ` +
        'the endpoints are /Users, /Groups, /ServiceProviderConfig, /ResourceTypes and /Schemas.',
    );
  } catch (e) {
    if (e instanceof ScimError) return fail(e, e.status === 401 ? { 'www-authenticate': 'Bearer realm="Elevate SCIM"' } : {});
    if (isUniqueViolation(e)) return fail(new ScimError(409, 'That value is already taken by another user or group.', 'uniqueness'));
    console.error('[elevate] scim request failed', e instanceof Error ? e.message : e);
    return fail(new ScimError(500, 'Elevate could not complete the request; nothing was changed. Try again.'));
  }
}

const versionOf = (doc: Doc) => Number(/"(\d+)"/.exec(String((doc.meta as { version: string }).version))?.[1] ?? 0);

const isUniqueViolation = (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

/** The log line for one SCIM call: method, path and status; never the query (filters carry people's names). */
export const scimLogLine = (method: string, path: string, status: number, ms: number) =>
  `[elevate] scim ${method} ${path} ${status} ${Math.round(ms)}ms`;
