import { z } from 'zod';
import { getDb } from '@/lib/db';
import { config } from '@/lib/config';
import { refuseCrossOrigin } from '@/lib/http/origin';
import { getSession } from '@/lib/auth/session';
import { sessionMfaVerifiedAt } from '@/lib/auth/mfa';
import { tenantMfaMethod } from '@/lib/auth/oidc/mfa-method';
import { beginIdpStepUp } from '@/lib/auth/oidc/step-up';
import { acceptsIdp, acceptsTotp } from '@/lib/policy/idp-mfa';
import { safeReturn } from '@/app/(auth)/sign-in/safe-return';

export const dynamic = 'force-dynamic';
const noStore = { 'Cache-Control': 'no-store' };

/** How this person may pass an MFA step here: the tenant's method, the provider's name, and this session's last MFA time. */
export async function GET() {
  const s = await getSession();
  if (!s) return Response.json({ error: { code: 'Unauthenticated', message: 'Sign in again.' } }, { status: 401, headers: noStore });
  const method = tenantMfaMethod(getDb(), s.user.tenantId);
  const oidc = config().oidc;
  return Response.json(
    {
      method,
      totp: acceptsTotp(method),
      // the provider's MFA proves the person the provider knows: only for an account linked to it
      idp: acceptsIdp(method) && Boolean(s.user.oidcSub),
      providerName: oidc?.name ?? null,
      sessionMfaAt: sessionMfaVerifiedAt(getDb(), s.user.id, s.sessionId),
    },
    { headers: noStore },
  );
}

const body = z.object({ returnTo: z.string().max(2000) });

/**
 * Starts an MFA step-up through the provider for this session (ADR 101): records when it was
 * asked, and answers the authorization parameters the browser sends to the provider with it
 * (prompt=login, max_age=0, acr_values when ELEVATE_OIDC_MFA_ACR is set).
 */
export async function POST(req: Request) {
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const s = await getSession();
  if (!s) return Response.json({ error: { code: 'Unauthenticated', message: 'Sign in again.' } }, { status: 401, headers: noStore });
  const oidc = config().oidc;
  const parsed = body.safeParse(await req.json().catch(() => null));
  if (!parsed.success)
    return Response.json({ error: { code: 'InvalidRequest', message: 'Say where to come back to.' } }, { status: 400, headers: noStore });
  const db = getDb();
  if (!oidc || !acceptsIdp(tenantMfaMethod(db, s.user.tenantId)) || !s.user.oidcSub) {
    const message = 'MFA through the identity provider is not available for this account. Use your authenticator app.';
    return Response.json({ error: { code: 'AuthorizationFailed', message } }, { status: 403, headers: noStore });
  }
  const returnTo = safeReturn(parsed.data.returnTo);
  beginIdpStepUp(db, s.user.id, s.sessionId, returnTo, Date.now());
  const params: Record<string, string> = { prompt: 'login', max_age: '0', ...(oidc.mfaAcr ? { acr_values: oidc.mfaAcr } : {}) };
  return Response.json({ callbackUrl: returnTo, params }, { headers: noStore });
}
