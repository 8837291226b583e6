import { z } from 'zod';
import { getDb } from '@/lib/db';
import { getCurrentUser } from '@/lib/auth/session';
import { isElevateError } from '@/lib/errors';
import { PICKER_LIMIT, searchPrincipals } from '@/lib/principals';

export const dynamic = 'force-dynamic';

const query = z.object({
  q: z.string().max(100, 'Type at most 100 characters.').default(''),
  kind: z.enum(['all', 'user', 'group']).default('all'),
  scope: z.string().min(1).max(1000).optional(),
  notInGroup: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(PICKER_LIMIT).optional(),
});

const error = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: { 'Cache-Control': 'no-store' } });

/**
 * Principal picker search: `GET /api/principals?q=jen&scope=<resource id>` → at most 20
 * users and groups. Authenticates and authorizes by itself (management access at the
 * scope, or a tenant PIM administrator); 401/403/400 JSON otherwise.
 */
export async function GET(req: Request) {
  const user = await getCurrentUser();
  if (!user) return error(401, 'Unauthenticated', 'Sign in first.');
  if (user.mustChangePassword || user.mustEnrolMfa)
    return error(403, 'AuthorizationFailed', 'Finish first sign-in (new password and MFA) first.');
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) return error(400, 'InvalidRequest', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const { q, kind, scope, notInGroup, limit } = parsed.data;
  try {
    const items = searchPrincipals(getDb(), user.id, { q, kind, scopeId: scope, notInGroup, limit }, Date.now());
    return Response.json({ items }, { headers: { 'Cache-Control': 'no-store' } });
  } catch (e) {
    if (isElevateError(e)) return error(e.status, e.code, e.message);
    throw e;
  }
}
