// The raw request URL of an Azure-compatible API call, checked before Next sees it: Next
// resolves `.` and `..` segments (also `%2e%2e`), redirects on `\` and on a trailing
// slash, and answers malformed percent-encoding with a bare 500, so by the time
// proxy.ts or a route handler runs, the path the client sent is gone. Pure; used by
// scripts/serve.mjs and its unit tests (lib/arm/transport.test.ts).

const ARM_PATH = /^\/(subscriptions|providers)(?=\/|$)/i;

/**
 * @param {string} rawUrl the request target as received (path and query), `//` already collapsed
 * @returns {{ url: string } | { error: { status: number, code: string, message: string } }}
 *   the URL to hand to Next (a trailing slash dropped), or the ARM error to answer with
 */
export function checkArmRawUrl(rawUrl) {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q);
  if (!ARM_PATH.test(path)) return { url: rawUrl };
  const invalid = (message) => ({ error: { status: 400, code: 'InvalidRequestUri', message } });
  try {
    decodeURIComponent(path);
  } catch {
    return invalid(
      'The request URI is not valid: its path has a malformed percent-encoding (a "%" must start a complete, UTF-8 encoded escape such as %2F).',
    );
  }
  if (path.includes('\\')) return invalid('The request URI is not valid: its path contains a backslash.');
  // `.` and `..` in any spelling URL parsers resolve (`%2e`, `.%2E`, …): ARM refuses them rather than guess
  if (path.split('/').some((s) => /^(\.|%2e){1,2}$/i.test(s))) {
    return invalid(
      'The request URI is not valid: its path contains a "." or ".." segment. Send the resource path without relative segments.',
    );
  }
  // a trailing slash names the same resource; Next would answer it with a redirect
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return { url: trimmed + query };
}

// as lib/arm/request-id.ts: a caller's id is echoed only when it is a plain token
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const safe = (v) => (typeof v === 'string' && SAFE_ID.test(v.trim()) ? v.trim() : undefined);

/**
 * The answer to a refused raw URL, as the API answers everything: ARM's error body, a new
 * x-ms-request-id, the caller's correlation id echoed (or a new one), and the log line.
 * @param {{ status: number, code: string, message: string }} error
 * @param {Record<string, string | string[] | undefined>} reqHeaders Node's (lower-case) request headers
 */
export function armRawErrorResponse(error, reqHeaders) {
  const requestId = crypto.randomUUID();
  const correlationId = safe(reqHeaders['x-ms-correlation-request-id']) ?? crypto.randomUUID();
  const client = safe(reqHeaders['x-ms-client-request-id']);
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-ms-failure-cause': 'service',
    'x-ms-request-id': requestId,
    'x-ms-correlation-request-id': correlationId,
    ...(client ? { 'x-ms-client-request-id': client } : {}),
  };
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  return { status: error.status, headers, body, requestId, correlationId };
}

/** The log line, as lib/arm/transport.ts writes it; the query (which may carry anything) is left out. */
export function armRawLogLine(method, rawUrl, status, ms, ids) {
  const q = rawUrl.indexOf('?');
  const path = (q < 0 ? rawUrl : rawUrl.slice(0, q)).replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
  return `[elevate] api ${method} ${path}${q < 0 ? '' : '?…'} ${status} ${Math.round(ms)}ms request-id=${ids.requestId} correlation-id=${ids.correlationId}`;
}
