import 'server-only';
import crypto from 'node:crypto';
import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { getDb } from '@/db';
import { config } from '@/lib/config';
import { getAuthSecret } from '@/lib/crypto/secrets';
import { checkCredentials } from './credentials';

const credentials = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(256) });

/** Cookies are Secure whenever the browser will accept that: https, or loopback http (a secure context). */
export function useSecureCookies(): boolean {
  const u = new URL(config().publicUrl);
  return u.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
}

export function authOptions(): AuthOptions {
  const cfg = config();
  return {
    secret: getAuthSecret(),
    session: { strategy: 'jwt', maxAge: cfg.sessionHours * 3600 },
    useSecureCookies: useSecureCookies(),
    pages: { signIn: '/sign-in', error: '/sign-in' },
    providers: [
      CredentialsProvider({
        name: 'Password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(raw) {
          const parsed = credentials.safeParse(raw);
          if (!parsed.success) throw new Error('Enter your email and password.');
          const result = await checkCredentials(getDb(), parsed.data, { now: Date.now, ...cfg.lockout });
          // next-auth passes the thrown message to the sign-in page; it never includes secrets
          if (!result.ok) throw new Error(result.message);
          return { id: result.user.id, email: result.user.email, name: result.user.name, sessionVersion: result.user.sessionVersion };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 1;
          // next-auth gives the JWT a new jti each time it re-encodes the cookie; MFA step-ups
          // are remembered per sign-in, so the sign-in gets its own id that stays put
          token.sid = crypto.randomUUID();
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub } };
      },
    },
  };
}
