import { getDb } from '@/lib/db';
import { getCurrentUser } from '@/lib/auth/session';
import { pendingApprovalCount } from '@/lib/approvals';

export const dynamic = 'force-dynamic';

/** How many requests wait for the signed-in user's decision: the live navigation badge. */
export async function GET() {
  const user = await getCurrentUser();
  if (!user) return Response.json({ error: { code: 'Unauthenticated', message: 'Sign in first.' } }, { status: 401 });
  if (user.mustChangePassword || user.mustEnrolMfa) {
    return Response.json(
      { error: { code: 'AuthorizationFailed', message: 'Finish first sign-in (new password and MFA) first.' } },
      { status: 403 },
    );
  }
  return Response.json({ count: pendingApprovalCount(getDb(), user.id, Date.now()) }, { headers: { 'Cache-Control': 'no-store' } });
}
