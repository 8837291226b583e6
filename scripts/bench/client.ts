/** HTTP helpers of the benchmark: timed requests to 127.0.0.1, a next-auth sign-in, ARM calls. */

export interface Answer {
  status: number;
  ms: number;
  /** body bytes as sent (uncompressed: no Accept-Encoding is offered) */
  bytes: number;
  text: string;
  headers: Headers;
}

/** reads give up after a minute; writes (which may queue behind a slow server) after five */
const READ_TIMEOUT_MS = 60_000;
const WRITE_TIMEOUT_MS = 300_000;

export async function call(
  url: string,
  init: RequestInit & { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const t0 = performance.now();
  const { timeoutMs, ...rest } = init;
  const timeout = timeoutMs ?? (!init.method || init.method === 'GET' ? READ_TIMEOUT_MS : WRITE_TIMEOUT_MS);
  // a controller held by a ref'd timer, not AbortSignal.timeout(): fetch keeps only a weak
  // reference to its signal, and a collected timeout signal never fires (the run would hang)
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`no answer from ${url} within ${timeout / 1000} s`)), timeout);
  try {
    const res = await fetch(url, {
      redirect: 'manual',
      ...rest,
      headers: { 'accept-encoding': 'identity', ...init.headers },
      signal: ac.signal,
    });
    const buf = Buffer.from(await res.arrayBuffer());
    return { status: res.status, ms: performance.now() - t0, bytes: buf.length, text: buf.toString('utf8'), headers: res.headers };
  } finally {
    clearTimeout(timer);
  }
}

function cookiesOf(res: Answer, jar: Map<string, string>) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/**
 * A session cookie the way a browser gets one: next-auth's CSRF token, then the
 * credentials callback. Elevate signs in with the password alone (MFA is asked at
 * activation, not at sign-in), so there is no TOTP step here.
 */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const csrf = await call(`${base}/api/auth/csrf`);
  if (csrf.status !== 200) throw new Error(`sign-in of ${email}: GET /api/auth/csrf answered ${csrf.status}`);
  cookiesOf(csrf, jar);
  const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/`, json: 'true' });
  const res = await call(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    body: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar), origin: base },
  });
  cookiesOf(res, jar);
  const session = [...jar.keys()].find((k) => k.includes('next-auth.session-token'));
  if (!session) throw new Error(`sign-in of ${email} failed (${res.status}): ${res.text.slice(0, 300)}`);
  // only the session cookie: the CSRF cookie is for sign-in and sign-out alone
  return `${session}=${jar.get(session)}`;
}

export const bearer = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

export async function armGet(base: string, token: string, pathAndQuery: string): Promise<Answer> {
  return call(`${base}${pathAndQuery}`, { headers: bearer(token) });
}

export async function armSend(
  base: string,
  token: string,
  method: 'PUT' | 'POST' | 'PATCH',
  pathAndQuery: string,
  body: unknown,
): Promise<Answer> {
  return call(`${base}${pathAndQuery}`, {
    method,
    body: JSON.stringify(body),
    headers: bearer(token, { 'content-type': 'application/json' }),
  });
}

/** The ARM error code and message of a failed answer, for error reports. */
export function armError(a: Answer): string {
  try {
    const e = (JSON.parse(a.text) as { error?: { code: string; message: string } }).error;
    if (e) return `${a.status} ${e.code}: ${e.message}`;
  } catch {
    /* not JSON */
  }
  return `${a.status}: ${a.text.slice(0, 200)}`;
}
