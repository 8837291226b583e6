import { NextResponse } from 'next/server';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { getCurrentUser } from '@/lib/auth/session';
import { policyIndex } from '@/lib/tenant/engine';
import { decodeCursor, searchText } from '@/lib/portal/keyset';
import { activationScopes, type ScopeQuery } from '@/lib/portal/activation-scopes';

export const dynamic = 'force-dynamic';

const error = (status: number, code: string, message: string) =>
  NextResponse.json({ error: { code, message } }, { status, headers: { 'Cache-Control': 'no-store' } });

const query = z.object({
  eligibility: z.string().min(1).max(200),
  /** children of this scope; absent (with no q or scope) = the eligibility's scope itself */
  parent: z.string().min(1).max(2048).optional(),
  /** search by name (or ARM id prefix) under the eligibility's scope */
  q: z.string().max(1000).optional(),
  /** one scope, e.g. one chosen before the dialog opened */
  scope: z.string().min(1).max(2048).optional(),
  after: z.string().max(3000).optional(),
});

/**
 * The scopes the activation dialog offers for one of the signed-in user's eligibilities,
 * a level (or a search page) at a time, each with the engine's outcome. Authenticates
 * and authorizes by itself: anything not the user's own live eligibility is a 404.
 */
export async function GET(req: Request) {
  const user = await getCurrentUser();
  if (!user) return error(401, 'Unauthenticated', 'Your session has ended. Sign in again.');
  if (user.mustChangePassword || user.mustEnrolMfa)
    return error(403, 'AuthorizationFailed', 'Finish first sign-in (new password and MFA) first.');
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success)
    return error(400, 'InvalidRequest', 'Give eligibility, and one of parent, q or scope (and after for the next page).');
  const p = parsed.data;
  const after = p.after ? decodeCursor(p.after, ['s', 's']) : null;
  if (p.after && !after) return error(400, 'InvalidRequest', 'That page link is not valid any more; start again from the top.');
  let q: ScopeQuery = { kind: 'root' };
  if (p.q !== undefined) {
    const text = searchText(p.q).q;
    if (!text) return error(400, 'InvalidRequest', 'Type part of a scope name.');
    q = { kind: 'search', q: text };
  } else if (p.parent) q = { kind: 'children', parentId: p.parent.toLowerCase() };
  else if (p.scope) q = { kind: 'one', scopeId: p.scope.toLowerCase() };
  const db = getDb();
  const page = activationScopes(db, policyIndex(db), user.id, p.eligibility, q, Date.now(), { after });
  if (!page) return error(404, 'NotFound', 'That eligible assignment or scope is not yours to activate (any more).');
  return NextResponse.json(page, { headers: { 'Cache-Control': 'no-store' } });
}
