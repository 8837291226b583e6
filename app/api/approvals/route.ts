import { z } from 'zod';
import { getDb } from '@/lib/db';
import { getCurrentUser } from '@/lib/auth/session';
import { approvalQueue, sortShape } from '@/lib/approvals/queries';
import { decodeCursor } from '@/lib/portal/keyset';

export const dynamic = 'force-dynamic';

const query = z.object({
  q: z.string().max(200).optional(),
  roleId: z.string().max(100).optional(),
  scopeId: z.string().max(1000).optional(),
  mfa: z.enum(['verified', 'not-verified']).optional(),
  sort: z.enum(['oldest', 'newest', 'deadline', 'requester', 'role']).optional(),
  after: z.string().max(3000).optional(),
  before: z.string().max(3000).optional(),
});

const invalid = (message: string) => Response.json({ error: { code: 'InvalidRequest', message } }, { status: 400 });

/**
 * The live approvals queue as JSON (polled by the portal): one page (50) of the pending
 * requests the signed-in user may decide, filtered, sorted and keyset-paged in SQL, each
 * confirmed by the engine. `next` / `prev` are the cursors to pass as `after` / `before`.
 * 401 JSON when signed out.
 */
export async function GET(req: Request) {
  const user = await getCurrentUser();
  if (!user) return Response.json({ error: { code: 'Unauthenticated', message: 'Sign in first.' } }, { status: 401 });
  // as for server actions: nothing but first sign-in until the password is changed and MFA enrolled
  if (user.mustChangePassword || user.mustEnrolMfa) {
    return Response.json(
      { error: { code: 'AuthorizationFailed', message: 'Finish first sign-in (new password and MFA) first.' } },
      { status: 403 },
    );
  }
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) return invalid(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const { after, before, ...filters } = parsed.data;
  const token = after ?? before;
  const key = token === undefined ? null : decodeCursor(token, sortShape(filters.sort));
  if (token !== undefined && !key)
    return invalid('after / before: not a cursor of this list (it may belong to another sort order); start from the first page.');
  const now = Date.now();
  const page = approvalQueue(getDb(), user.id, now, {
    ...filters,
    seek: key ? (after !== undefined ? { after: key } : { before: key }) : {},
  });
  return Response.json({ ...page, count: page.items.length, now }, { headers: { 'Cache-Control': 'no-store' } });
}
