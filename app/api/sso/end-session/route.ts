import { cookies } from 'next/headers';
import { decode } from 'next-auth/jwt';
import { config } from '@/lib/config';
import { unseal } from '@/lib/crypto/seal';
import { getAuthSecret, getEncryptionKey } from '@/lib/crypto/secrets';
import { refuseCrossOrigin } from '@/lib/http/origin';
import { SESSION_COOKIE } from '@/lib/auth/session';
import { discovery } from '@/lib/auth/oidc/discovery';

export const dynamic = 'force-dynamic';

/**
 * Where the browser goes after Elevate's own sign-out (ADR 100): the provider's
 * end_session_endpoint (RP-initiated logout) with the session's ID token as id_token_hint,
 * for a session that signed in through the provider and a provider that offers it; else
 * null and the browser goes to the sign-in page. Asked by the sign-out button just before
 * next-auth ends the session, so the cookie is still here to read.
 */
export async function POST(req: Request) {
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const cfg = config();
  const none = Response.json({ url: null }, { headers: { 'Cache-Control': 'no-store' } });
  if (!cfg.oidc) return none;
  const raw = (await cookies()).get(SESSION_COOKIE())?.value;
  const token = raw ? await decode({ token: raw, secret: getAuthSecret() }).catch(() => null) : null;
  if (!token || typeof token.idt !== 'string') return none;
  const doc = await discovery(cfg.oidc.issuer);
  if (!doc?.end_session_endpoint) return none;
  let idToken: string;
  try {
    idToken = unseal(token.idt, getEncryptionKey());
  } catch {
    return none;
  }
  const url = new URL(doc.end_session_endpoint);
  url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('client_id', cfg.oidc.clientId);
  url.searchParams.set('post_logout_redirect_uri', `${cfg.publicUrl.replace(/\/$/, '')}/sign-in`);
  return Response.json({ url: url.toString() }, { headers: { 'Cache-Control': 'no-store' } });
}
