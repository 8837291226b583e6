import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { users } from '@/db/schema';
import { createScimToken } from './tokens';
import { handleScim } from './http';

/** Test-only: a fresh demo tenant, a SCIM token Steve (PIM administrator) created, and a client that calls the handler. */
export const BASE = 'https://pim.example.test/scim/v2';

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { [k: string]: any };
}

export function scimTenant(start = Date.UTC(2026, 10, 27, 9, 0, 0)) {
  const t = freshDb(start);
  const clock = { now: start };
  const steve = t.db.select().from(users).where(eq(users.id, t.ids.steve)).get()!;
  const { token, summary } = createScimToken(t.db, steve, { name: 'Entra ID' }, clock.now);
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    bearer = token,
  ): Promise<Reply> => {
    const init: RequestInit = {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    };
    const res = await handleScim(new Request(`${BASE}${path}`, init), {
      db: t.db,
      now: () => clock.now,
      publicUrl: 'https://pim.example.test',
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
  };
  return { ...t, clock, token, tokenId: summary.id, steve, call };
}

/** RFC 7644 §3.12: every error is the Error message with the status as a string, and scimType where one is given. */
export function expectScimError(r: Reply, status: number, scimType?: string) {
  const ok =
    r.status === status &&
    r.body.schemas?.[0] === 'urn:ietf:params:scim:api:messages:2.0:Error' &&
    r.body.status === String(status) &&
    (scimType === undefined || r.body.scimType === scimType) &&
    typeof r.body.detail === 'string' &&
    r.headers.get('content-type')?.startsWith('application/scim+json');
  if (!ok) throw new Error(`expected SCIM error ${status} ${scimType ?? ''}, got ${r.status} ${JSON.stringify(r.body)}`);
}
