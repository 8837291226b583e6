import 'server-only';
import { cache } from 'react';
import { headers, cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { decode, encode } from 'next-auth/jwt';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { users, type User } from '@/db/schema';
import { getAuthSecret } from '@/lib/crypto/secrets';
import { config } from '@/lib/config';
import { useSecureCookies } from './options';

export const SESSION_COOKIE = () => (useSecureCookies() ? '__Secure-next-auth.session-token' : 'next-auth.session-token');

/**
 * The data access layer's answer to "who is this?": decodes the session cookie and
 * re-reads the user, so a disabled account, a reset password or MFA reset (which bump
 * sessionVersion) ends every session at once, whatever the cookie says.
 */
export const getCurrentUser = cache(async (): Promise<User | null> => (await getSession())?.user ?? null);

/** The signed-in user and the id of this sign-in session (the token's jti), for per-session MFA step-ups. */
export const getSession = cache(async (): Promise<{ user: User; sessionId: string } | null> => {
  const jar = await cookies();
  const raw = jar.get(SESSION_COOKIE())?.value;
  if (!raw) return null;
  let token;
  try {
    token = await decode({ token: raw, secret: getAuthSecret() });
  } catch {
    return null;
  }
  if (!token?.sub) return null;
  const user = getDb().select().from(users).where(eq(users.id, token.sub)).get();
  if (!user || user.disabled) return null;
  if ((token.sv ?? 1) !== user.sessionVersion) return null;
  return { user, sessionId: String(token.sid ?? token.jti ?? token.sub) };
});

/** For pages: a signed-in user who has finished first sign-in, or a redirect. */
export async function requireUser(): Promise<User> {
  const user = await getCurrentUser();
  if (!user) {
    const h = await headers();
    const path = h.get('x-elevate-path') ?? '/';
    redirect(`/sign-in?callbackUrl=${encodeURIComponent(path)}`);
  }
  if (user.mustChangePassword || user.mustEnrolMfa) redirect('/first-sign-in');
  return user;
}

/**
 * Re-issues this browser's session cookie with a new session version, after a change
 * that signs out every other session (password change): this one stays signed in.
 * Only callable from a server action or route handler (it sets a cookie).
 */
export async function reissueSession(sessionVersion: number): Promise<void> {
  const jar = await cookies();
  const name = SESSION_COOKIE();
  const raw = jar.get(name)?.value;
  if (!raw) return;
  const token = await decode({ token: raw, secret: getAuthSecret() }).catch(() => null);
  if (!token) return;
  const maxAge = config().sessionHours * 3600;
  const value = await encode({ token: { ...token, sv: sessionVersion }, secret: getAuthSecret(), maxAge });
  jar.set(name, value, { httpOnly: true, sameSite: 'lax', path: '/', secure: useSecureCookies(), maxAge });
}
