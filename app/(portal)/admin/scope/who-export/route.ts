import { getCurrentUser } from '@/lib/auth/session';
import { fileLabel, resourceAccessCsv } from '@/lib/access';
import { isElevateError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

const refuse = (status: number, message: string) =>
  new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/**
 * "Who has access here, and why" as CSV, streamed. Authenticates and authorizes by itself:
 * PIM management access at the resource (the service asks the engine before the first byte).
 */
export async function GET(req: Request) {
  const user = await getCurrentUser();
  if (!user) return refuse(401, 'Sign in first.');
  if (user.mustChangePassword || user.mustEnrolMfa) return refuse(403, 'Finish first sign-in first.');
  const id = new URL(req.url).searchParams.get('id');
  if (!id || id.length > 2048) return refuse(400, 'Give the resource as ?id=.');
  const now = Date.now();
  try {
    const found = resourceAccessCsv(user.id, id, now);
    if (!found) return refuse(404, 'That resource does not exist.');
    const day = new Date(now).toISOString().slice(0, 10);
    return new Response(found.stream, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="elevate-who-has-access-${fileLabel(found.name)}-${day}.csv"`,
        'cache-control': 'no-store',
      },
    });
  } catch (e) {
    if (isElevateError(e)) return refuse(e.code === 'AuthorizationFailed' ? 403 : 400, e.message);
    throw e;
  }
}
