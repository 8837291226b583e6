import 'server-only';
import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { getDb } from '@/db';
import { config } from '@/lib/config';
import { getAuthSecret } from '@/lib/crypto/secrets';
import { checkCredentials } from './credentials';
import { oidcSignInCallback } from './oidc/callback';
import { OIDC_PROVIDER_ID, oidcProvider } from './oidc/provider';
import { checkSession, clientInfo, sessionLimits, signOutSession, startSession } from './sessions';

const credentials = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(256) });

/** Cookies are Secure whenever the browser will accept that: https, or loopback http (a secure context). */
export function secureCookies(): boolean {
  const u = new URL(config().publicUrl);
  return u.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
}

/** Thrown from the jwt callback for a cookie whose session has ended: next-auth then answers no session and clears the cookie. */
class SessionEndedError extends Error {
  constructor() {
    super('The session has ended.');
    this.name = 'SessionEndedError';
  }
}

export function authOptions(): AuthOptions {
  const cfg = config();
  return {
    secret: getAuthSecret(),
    session: { strategy: 'jwt', maxAge: cfg.sessionHours * 3600 },
    useSecureCookies: secureCookies(),
    pages: { signIn: '/sign-in', error: '/sign-in' },
    providers: [
      // single sign-on (ADR 100), only when ELEVATE_OIDC_ISSUER is set
      ...(cfg.oidc ? [oidcProvider(cfg.oidc)] : []),
      CredentialsProvider({
        name: 'Password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(raw, req) {
          const parsed = credentials.safeParse(raw);
          if (!parsed.success) throw new Error('Enter your email and password.');
          const db = getDb();
          const result = await checkCredentials(db, parsed.data, { now: Date.now, ...cfg.lockout, passwordSignIn: cfg.passwordSignIn });
          // next-auth passes the thrown message to the sign-in page; it never includes secrets
          if (!result.ok) throw new Error(result.message);
          // the server-side record of this sign-in (ADR 092); the session token carries its id
          const hdrs = (req?.headers ?? {}) as Record<string, string | undefined>;
          const sessionId = startSession(
            db,
            { id: result.user.id, displayName: result.user.name },
            clientInfo((n) => hdrs[n]),
            Date.now(),
          );
          return {
            id: result.user.id,
            email: result.user.email,
            name: result.user.name,
            sessionVersion: result.user.sessionVersion,
            sessionId,
          };
        },
      }),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        return oidcSignInCallback(user, account, profile);
      },
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          // the sealed ID token of a single sign-on, for the provider's logout (id_token_hint)
          const idt = (user as { idTokenSealed?: string }).idTokenSealed;
          if (idt) token.idt = idt;
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 1;
          // next-auth gives the JWT a new jti each time it re-encodes the cookie; the sign-in's
          // own id stays put: it keys the session's record and its MFA step-ups
          token.sid = (user as { sessionId?: string }).sessionId;
          return token;
        }
        // next-auth's own endpoints (/api/auth/session) read the cookie through here: a
        // session that has ended answers nothing there either
        if (!checkSession(getDb(), token, Date.now(), sessionLimits())) throw new SessionEndedError();
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub } };
      },
    },
    events: {
      // with the JWT strategy next-auth hands over the decoded cookie (core/routes/signout.js):
      // its session record ends, so a copy of the cookie is worthless from now on
      signOut({ token }) {
        if (token) signOutSession(getDb(), token, Date.now());
      },
    },
    logger: {
      error(code, metadata) {
        // an ended session at /api/auth/session is an answer, not a fault
        if (metadata instanceof SessionEndedError) return;
        console.error(`[next-auth][error][${code}]`, metadata instanceof Error ? metadata.message : metadata);
      },
      warn(code) {
        console.warn(`[next-auth][warn][${code}]`);
      },
      debug() {},
    },
  };
}
