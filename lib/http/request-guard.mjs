// Checks a request passes before it may change anything (ADR 091). Plain JavaScript so
// that scripts/serve.mjs can run them in front of Next; route handlers run the origin
// check again through lib/http/origin.ts, so it holds under `next dev` too.

const MB = 1024 * 1024;

/** The resource import's documented limit: 20 MB of JSON (and the form around it). */
export const IMPORT_BODY_LIMIT = 20 * MB;
/** Every other server action, sign-in and route handler: small forms and JSON. */
export const DEFAULT_BODY_LIMIT = 1 * MB;

/** Pages whose server actions may carry more than the default; a server action posts to the page it runs on. */
const LARGE_BODY_PAGES = new Map([['/admin/resources', { limit: IMPORT_BODY_LIMIT, what: 'A resource import' }]]);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The ARM-shaped API authenticates with bearer tokens and answers in ARM's words: not guarded here. */
const ARM_PATH = /^\/(subscriptions|providers)(\/|$)/i;
/** SCIM (ADR 102): bearer-token machines with no cookies, so no origin check; body limits apply, refused in SCIM's words. */
const SCIM_PATH = /^\/scim(\/|$)/i;

export function isStateChanging(method) {
  return !SAFE_METHODS.has(String(method ?? 'GET').toUpperCase());
}

/** One header from a Fetch `Headers` or Node's header object. */
function header(headers, name) {
  if (typeof headers?.get === 'function') return headers.get(name) ?? undefined;
  const v = headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The host the request was addressed to, as Next's own server-action check reads it. */
function requestHost(headers) {
  const forwarded = header(headers, 'x-forwarded-host');
  const host = forwarded ? forwarded.split(',')[0].trim() : header(headers, 'host');
  return host ? host.toLowerCase() : undefined;
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export const CROSS_ORIGIN_MESSAGE = 'This request came from another site and was refused: Elevate accepts changes only from its own pages.';

/**
 * Why a state-changing request is cross-origin, or null when it may proceed. Same origin
 * is the request's own host (x-forwarded-host, else Host) or the configured public URL.
 * `Sec-Fetch-Site`, when a browser sends it, must be `same-origin` (or `none`: typed by the
 * user). Without `Origin` and `Sec-Fetch-Site` the caller is not a browser (every browser
 * Elevate supports sends `Origin` on a POST), so it carries only the cookies its owner gave
 * it; it passes, as it does Next's own check.
 */
export function crossOriginProblem({ headers, publicUrl }) {
  const site = header(headers, 'sec-fetch-site')?.toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return CROSS_ORIGIN_MESSAGE;
  const origin = header(headers, 'origin');
  if (origin === undefined) return null;
  // `Origin: null` (sandboxed frames, opaque redirects) never matches
  let url;
  try {
    url = new URL(origin);
  } catch {
    return CROSS_ORIGIN_MESSAGE;
  }
  if (url.origin === 'null') return CROSS_ORIGIN_MESSAGE;
  const host = requestHost(headers);
  if (host !== undefined && url.host.toLowerCase() === host) return null;
  if (publicUrl && url.origin === originOf(publicUrl)) return null;
  return CROSS_ORIGIN_MESSAGE;
}

function pathOf(rawUrl) {
  const q = rawUrl.search(/[?#]/);
  const p = q < 0 ? rawUrl : rawUrl.slice(0, q);
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** The largest request body a path accepts, and what to call it in the refusal. */
export function bodyLimitFor(rawUrl) {
  return LARGE_BODY_PAGES.get(pathOf(rawUrl)) ?? { limit: DEFAULT_BODY_LIMIT, what: 'This request' };
}

const mb = (bytes) => `${(bytes / MB).toFixed(bytes % MB === 0 ? 0 : 1)} MB`;

function refusal(status, code, message, api) {
  if (api === 'scim') {
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail: message });
    const headers = { 'Content-Type': 'application/scim+json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    return { status, code, headers, body };
  }
  const body = api ? JSON.stringify({ error: { code, message } }) : message;
  return {
    status,
    code,
    // exactly `text/plain`: Next's client shows such a body as the failed server action's message
    headers: { 'Content-Type': api ? 'application/json' : 'text/plain', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
    body,
  };
}

/**
 * serve.mjs's check in front of Next, for every request but the ARM API: null to hand it
 * on, or the response to answer with. A cross-origin state change gets 403 (Next would
 * answer a refused server action with 500); a body over the path's limit gets 413 before
 * any of it is read (Next would cut it and fail with 500); a body of unknown length on a
 * state-changing request gets 411 (browsers always send its length).
 */
export function guardRequest({ method, url, headers, publicUrl }) {
  if (!isStateChanging(method)) return null;
  const path = pathOf(url || '/');
  if (ARM_PATH.test(path)) return null;
  const api = SCIM_PATH.test(path) ? 'scim' : path === '/api' || path.startsWith('/api/');
  const problem = api === 'scim' ? null : crossOriginProblem({ headers, publicUrl });
  if (problem) return refusal(403, 'CrossOriginRequest', problem, api);
  const { limit, what } = bodyLimitFor(path);
  const length = header(headers, 'content-length');
  if (length === undefined) {
    if (header(headers, 'transfer-encoding') !== undefined) {
      return refusal(411, 'LengthRequired', 'Send the request body with a Content-Length header.', api);
    }
    return null;
  }
  const bytes = Number(length);
  if (!Number.isFinite(bytes) || bytes > limit) {
    const size = Number.isFinite(bytes) ? `this one is ${mb(bytes)}` : 'this one gives no valid length';
    return refusal(413, 'PayloadTooLarge', `${what} may be at most ${mb(limit)}; ${size}. Nothing was changed.`, api);
  }
  return null;
}
