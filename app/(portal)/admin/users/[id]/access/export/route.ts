import { getCurrentUser } from '@/lib/auth/session';
import { fileLabel, userAccessCsv } from '@/lib/access';
import { isElevateError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

const refuse = (status: number, message: string) =>
  new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** "Access of <user>" as CSV. Authenticates and authorizes by itself: one's own, or a tenant PIM administrator. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return refuse(401, 'Sign in first.');
  if (user.mustChangePassword || user.mustEnrolMfa) return refuse(403, 'Finish first sign-in first.');
  const { id } = await params;
  const now = Date.now();
  try {
    const { name, csv } = userAccessCsv(user.id, id, now);
    return new Response(csv, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="elevate-access-${fileLabel(name)}-${new Date(now).toISOString().slice(0, 10)}.csv"`,
        'cache-control': 'no-store',
      },
    });
  } catch (e) {
    if (isElevateError(e)) return refuse(e.code === 'NotFound' ? 404 : e.code === 'AuthorizationFailed' ? 403 : 400, e.message);
    throw e;
  }
}
