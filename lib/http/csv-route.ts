import 'server-only';
import type { User } from '@/db/schema';
import { getCurrentUser } from '@/lib/auth/session';
import { isElevateError } from '@/lib/errors';

/**
 * What every CSV download route shares (audit, My access, Access of <user>, Who has access):
 * a plain-text refusal a browser shows as is, the signed-in and finished-first-sign-in check
 * each route makes by itself, and the download's headers. Authorization stays in each route's
 * service, which asks the engine before the first byte.
 */
export const refuse = (status: number, message: string) =>
  new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** The signed-in user who may download, or the refusal to answer with. */
export async function csvRouteUser(): Promise<User | Response> {
  const user = await getCurrentUser();
  if (!user) return refuse(401, 'Sign in first.');
  if (user.mustChangePassword || user.mustEnrolMfa) return refuse(403, 'Finish first sign-in first.');
  return user;
}

/** A CSV attachment named `elevate-<label>-<UTC day>.csv`, never cached. */
export function csvDownload(body: BodyInit, label: string, now: number): Response {
  const day = new Date(now).toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="elevate-${label}-${day}.csv"`,
      'cache-control': 'no-store',
    },
  });
}

/** A service's refusal as the route's answer (not found, not allowed, bad input); anything else is a fault. */
export function refusalOf(e: unknown): Response {
  if (!isElevateError(e)) throw e;
  return refuse(e.code === 'NotFound' ? 404 : e.code === 'AuthorizationFailed' ? 403 : 400, e.message);
}
