import { ArmError, errorBody, toArmError } from './errors';
import { newRequestIds, requestIdHeaders, runWithRequestIds, type RequestIds } from './request-id';

/**
 * The HTTP layer around the Azure-compatible API, the same under `npm start`
 * (scripts/serve.mjs), `next start` and `next dev`: ARM paths in any casing, request ids
 * on every answer, 415 for bodies that are not JSON, `Allow` on every 405 and one log
 * line per call. What Next itself rewrites before any of this runs (dot segments,
 * malformed percent-encoding) is refused in scripts/arm-raw-url.mjs.
 */

/** `/subscriptions/…` and `/providers/…` in any casing: the paths the API owns. */
const ARM_PATH = /^\/(subscriptions|providers)(?=\/|$)/i;

export const isArmPath = (pathname: string) => ARM_PATH.test(pathname);

/**
 * ARM paths are case-insensitive, Next's routes are not: the path with its first segment
 * in lower case (so `/Subscriptions/…` reaches the route at `/subscriptions/…`), or null
 * when it already is or is not an ARM path. The rest of the path is left as sent.
 */
export function armRoutePath(pathname: string): string | null {
  const m = ARM_PATH.exec(pathname);
  if (!m) return null;
  const lower = m[1].toLowerCase();
  return m[1] === lower ? null : `/${lower}${pathname.slice(m[0].length)}`;
}

/** An ARM path that names no resource at all (`/subscriptions`, `/providers`): no route serves it. */
export const isBareArmPath = (pathname: string) => /^\/(subscriptions|providers)\/?$/i.test(pathname);

const WITH_BODY = new Set(['PUT', 'PATCH', 'POST']);

/** Whether the request carries a body, from its framing headers (the body itself is left unread). */
export function hasBody(headers: Pick<Headers, 'get'>): boolean {
  const length = headers.get('content-length');
  if (length !== null) return length.trim() !== '0';
  return headers.get('transfer-encoding') !== null;
}

/**
 * ARM accepts JSON bodies only: a PUT, PATCH or POST with a body of any other media type
 * is a 415. `application/json` may carry parameters, but a charset other than UTF-8 is
 * refused too. A body-less POST (cancel) needs no content type.
 */
export function mediaTypeError(method: string, headers: Pick<Headers, 'get'>): ArmError | null {
  if (!WITH_BODY.has(method.toUpperCase()) || !hasBody(headers)) return null;
  const given = headers.get('content-type')?.trim() ?? '';
  const [type, ...params] = given.split(';').map((s) => s.trim());
  const charset = params.map((p) => /^charset\s*=\s*"?([^";]*)"?$/i.exec(p)?.[1]).find((c) => c !== undefined);
  const json = type.toLowerCase() === 'application/json' && (charset === undefined || /^utf-?8$/i.test(charset));
  if (json) return null;
  const what =
    given === '' ? 'The request has a body but no Content-Type.' : `The content media type '${given.slice(0, 100)}' is not supported.`;
  return new ArmError(415, 'UnsupportedMediaType', `${what} Only 'application/json' is supported.`);
}

/** Query parameters whose values are logged; the values of any other are not. */
const LOGGED_PARAMS = new Set(['api-version', '$filter', '$top', '$expand', '$select']);

/** Encoded so a value cannot break the line, with `$` and `'` kept readable ($filter=roleName eq 'Owner'). */
const logEncode = (s: string) => encodeURIComponent(s).replace(/%24/g, '$').replace(/%27/g, "'");

/** The path and query for the log: the values of parameters not known to be harmless are elided. */
export function logPath(url: URL): string {
  const parts: string[] = [];
  for (const [k, v] of url.searchParams) {
    parts.push(`${logEncode(k)}=${LOGGED_PARAMS.has(k.toLowerCase()) ? logEncode(v) : '…'}`);
  }
  return url.pathname + (parts.length ? `?${parts.join('&')}` : '');
}

/** The one line per API call (stdout): method, path, status, duration and both ids. */
export function apiLogLine(method: string, path: string, status: number, ms: number, ids: RequestIds): string {
  return `[elevate] api ${method} ${path} ${status} ${Math.round(ms)}ms request-id=${ids.requestId} correlation-id=${ids.correlationId}`;
}

/** ARM's error body with the call's ids, for answers made before any handler runs. */
export function armErrorJson(e: ArmError, ids: RequestIds, reqHeaders?: Pick<Headers, 'get'>): Response {
  return new Response(JSON.stringify(errorBody(e)), {
    status: e.status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-ms-failure-cause': 'service',
      ...requestIdHeaders(ids, reqHeaders),
    },
  });
}

/** The response with these headers set (copied first when its headers are immutable). */
export function withHeaders(res: Response, headers: Record<string, string>): Response {
  try {
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    for (const [k, v] of Object.entries(headers)) copy.headers.set(k, v);
    return copy;
  }
}

export type ArmHandler = (req: Request) => Promise<Response>;

/**
 * Wraps the API's handler for the route files: ids for the call (its audit events carry
 * them), the media-type check, `Allow` on a 405 (from `allowFor`, the methods the path
 * supports) and the log line.
 */
export function armTransport(handler: ArmHandler, allowFor: (pathname: string) => readonly string[] | null): ArmHandler {
  return async (req) => {
    const started = performance.now();
    const ids = newRequestIds(req.headers);
    const url = new URL(req.url);
    let res: Response;
    try {
      const unsupported = mediaTypeError(req.method, req.headers);
      // HEAD is a GET without the body (Node sends none for HEAD)
      const forward = req.method === 'HEAD' ? new Request(req, { method: 'GET' }) : req;
      res = unsupported ? armErrorJson(unsupported, ids, req.headers) : await runWithRequestIds(ids, () => handler(forward));
      const extra = requestIdHeaders(ids, req.headers);
      if (res.status === 405 && !res.headers.has('allow')) {
        const allow = allowFor(url.pathname);
        if (allow) extra.allow = (allow.includes('GET') ? [...allow, 'HEAD'] : allow).join(', ');
      }
      res = withHeaders(res, extra);
    } catch (e) {
      res = armErrorJson(toArmError(e), ids, req.headers);
    }
    console.log(apiLogLine(req.method, logPath(url), res.status, performance.now() - started, ids));
    return res;
  };
}
