import { getCurrentUser } from '@/lib/auth/session';
import { userAccessCsv } from '@/lib/access';

export const dynamic = 'force-dynamic';

const refuse = (status: number, message: string) =>
  new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** My access as CSV: the signed-in person's own roles. Authenticates by itself (a page check protects nothing). */
export async function GET() {
  const user = await getCurrentUser();
  if (!user) return refuse(401, 'Sign in first.');
  if (user.mustChangePassword || user.mustEnrolMfa) return refuse(403, 'Finish first sign-in first.');
  const now = Date.now();
  const { csv } = userAccessCsv(user.id, user.id, now);
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="elevate-my-access-${new Date(now).toISOString().slice(0, 10)}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
