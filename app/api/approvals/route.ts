import { z } from 'zod';
import { getDb } from '@/db';
import { getCurrentUser } from '@/lib/auth/session';
import { pendingApprovals } from '@/lib/approvals';

export const dynamic = 'force-dynamic';

const query = z.object({
  q: z.string().max(200).optional(),
  roleId: z.string().max(100).optional(),
  scopeId: z.string().max(1000).optional(),
  mfa: z.enum(['verified', 'not-verified']).optional(),
  sort: z.enum(['oldest', 'newest', 'deadline', 'requester', 'role']).optional(),
});

/**
 * The live approvals queue as JSON (polled by the portal): every pending request the
 * signed-in user may decide, as the engine says. 401 JSON when signed out.
 */
export async function GET(req: Request) {
  const user = await getCurrentUser();
  if (!user) return Response.json({ error: { code: 'Unauthenticated', message: 'Sign in first.' } }, { status: 401 });
  // as for server actions: nothing but first sign-in until the password is changed and MFA enrolled
  if (user.mustChangePassword || user.mustEnrolMfa) {
    return Response.json({ error: { code: 'AuthorizationFailed', message: 'Finish first sign-in (new password and MFA) first.' } }, { status: 403 });
  }
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) {
    return Response.json({ error: { code: 'InvalidRequest', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } }, { status: 400 });
  }
  const now = Date.now();
  const items = pendingApprovals(getDb(), user.id, now, parsed.data);
  return Response.json({ items, count: items.length, now }, { headers: { 'Cache-Control': 'no-store' } });
}
