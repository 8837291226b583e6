import 'server-only';
import type { Account, Profile, User as AuthUser } from 'next-auth';
import { headers } from 'next/headers';
import { getDb } from '@/db';
import { config } from '@/lib/config';
import { seal } from '@/lib/crypto/seal';
import { getEncryptionKey } from '@/lib/crypto/secrets';
import { getSession } from '@/lib/auth/session';
import { clientInfo } from '@/lib/auth/sessions';
import { identityFromClaims } from './identity';
export { SSO_ERRORS } from './errors';
import { signInWithOidc } from './sign-in';
import { completeIdpStepUp, pendingIdpStepUp } from './step-up';

/** What the signIn callback hands the jwt callback on the user object (next-auth passes the same object to both). */
export interface OidcSignedIn {
  id: string;
  sessionVersion: number;
  sessionId: string;
  /** the ID token sealed with the instance key, for RP-initiated logout's id_token_hint */
  idTokenSealed?: string;
}

const CODES = { disabled: 'SsoDisabled', 'no-email': 'SsoNoEmail', 'email-taken': 'SsoEmailTaken' } as const;

/** A same-origin path with one more query parameter. */
function withParam(path: string, key: string, value: string): string {
  const u = new URL(path, 'http://elevate.invalid');
  u.searchParams.set(key, value);
  return `${u.pathname}${u.search}${u.hash}`;
}

/**
 * next-auth's signIn callback for the provider. Two cases:
 * - the browser already holds a live Elevate session with an MFA step-up waiting: this is the
 *   provider's answer to it. The session is kept (its cookie is not replaced) and only its MFA
 *   time moves, if the answer is good (ADR 101); the person goes back where they asked.
 * - otherwise a sign-in: find or create the user by issuer and subject, refresh them from the
 *   claims and start a session (ADR 100); an e-mail that matches a local account waits for a link.
 * Returns true to let next-auth issue the session cookie, or a path to send the browser to.
 */
export async function oidcSignInCallback(user: AuthUser, account: Account, profile: Profile | undefined): Promise<true | string> {
  const cfg = config();
  const oidc = cfg.oidc;
  const base = cfg.publicUrl.replace(/\/$/, '');
  if (!oidc || !profile) return `${base}/sign-in?error=SsoInvalid`;
  const claims = profile as Record<string, unknown>;
  const now = Date.now();
  const db = getDb();

  const current = await getSession();
  const pending = current ? pendingIdpStepUp(db, current.sessionId, now) : null;
  if (current && pending) {
    const outcome = completeIdpStepUp(db, {
      sessionId: current.sessionId,
      userId: current.user.id,
      claims,
      now,
      providerName: oidc.name,
      mfaAcr: oidc.mfaAcr,
    });
    return `${base}${withParam(outcome.returnTo, 'idp-mfa', outcome.ok ? 'verified' : outcome.reason)}`;
  }

  const identity = identityFromClaims(claims, oidc.issuer, oidc.groupsClaim);
  if (!identity) return `${base}/sign-in?error=SsoInvalid`;
  const h = await headers();
  const result = signInWithOidc(db, identity, { now, client: clientInfo((n) => h.get(n)), adminGroups: oidc.adminGroups });
  if (result.kind === 'link-required') return `${base}/link-account?token=${encodeURIComponent(result.token)}`;
  if (result.kind === 'refused') return `${base}/sign-in?error=${CODES[result.code]}`;
  const signedIn: OidcSignedIn = {
    id: result.user.id,
    sessionVersion: result.user.sessionVersion,
    sessionId: result.sessionId,
    idTokenSealed: account.id_token ? seal(account.id_token, getEncryptionKey()) : undefined,
  };
  Object.assign(user, signedIn, { name: result.user.displayName, email: result.user.email });
  return true;
}
