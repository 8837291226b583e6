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
import { secureCookies } from './options';
import { checkSession, clientInfo, countsAsActivity, endOtherSessions, sessionLimits } from './sessions';

export const SESSION_COOKIE = () => (secureCookies() ? '__Secure-next-auth.session-token' : 'next-auth.session-token');

/**
 * The data access layer's answer to "who is this?": decodes the session cookie and checks
 * its server-side record (ADR 092) joined with the user, so a signed-out, ended, idle or
 * expired session, a disabled account, and a reset password or MFA (which bump
 * sessionVersion) all end at once, whatever the cookie says.
 */
export const getCurrentUser = cache(async (): Promise<User | null> => (await getSession())?.user ?? null);

/** The signed-in user and the id of this sign-in session (the token's `sid`, the key of its record and of its MFA step-ups). */
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
  const h = await headers();
  const get = (name: string) => h.get(name);
  // pages, navigation and actions keep the session from going idle; background polling does not
  const touch = countsAsActivity(get) ? { ip: clientInfo(get).ip } : null;
  const found = checkSession(getDb(), token, Date.now(), sessionLimits(), touch);
  return found ? { user: found.user, sessionId: found.session.id } : null;
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
 * that signs out every other session (password change): this one stays signed in, and
 * the records of the others are marked ended ("password changed").
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
  jar.set(name, value, { httpOnly: true, sameSite: 'lax', path: '/', secure: secureCookies(), maxAge });
  const db = getDb();
  const user = typeof token.sub === 'string' ? db.select().from(users).where(eq(users.id, token.sub)).get() : undefined;
  if (user && typeof token.sid === 'string') endOtherSessions(db, user, token.sid, Date.now(), sessionLimits(), 'password-changed');
}
