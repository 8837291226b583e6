/**
 * MFA from the identity provider (issue 13, ADR 101). Pure: time is a parameter.
 *
 * The MFA step sends the person back to the provider with prompt=login and max_age=0; the
 * answer counts only if the provider says the person authenticated *after* Elevate asked,
 * with a method that is MFA (`amr`) or at the assurance level Elevate asked for (`acr`).
 */

export type MfaMethodSetting = 'totp' | 'idp' | 'either';

/**
 * Authentication method references (RFC 8176) that prove a second factor: multiple factors,
 * one-time codes, hardware / software keys, FIDO, smart cards, and Entra's Windows Hello
 * (`ngcmfa`). Password (`pwd`), knowledge (`kba`) and integrated Windows sign-in (`wia`) do not.
 */
export const MFA_AMR = new Set(['mfa', 'otp', 'hwk', 'swk', 'fido', 'sc', 'ngcmfa']);

/** auth_time is in whole seconds; a sign-in in the same second as the request rounds down to before it. */
export const AUTH_TIME_TOLERANCE_MS = 1_000;
/** A step-up nobody finished within this long is stale: the person starts again. */
export const IDP_STEP_UP_TTL_MS = 10 * 60_000;

export interface IdpStepUpClaims {
  sub?: unknown;
  auth_time?: unknown;
  amr?: unknown;
  acr?: unknown;
}

export const IDP_STEP_UP_REFUSALS = ['expired', 'other-subject', 'no-auth-time', 'not-fresh', 'no-mfa', 'none'] as const;
/** Why a step-up through the provider did not count; 'none' is an answer with no step-up waiting for it. */
export type IdpStepUpRefusal = (typeof IDP_STEP_UP_REFUSALS)[number];

export type IdpStepUpVerdict = { ok: true; method: string } | { ok: false; reason: Exclude<IdpStepUpRefusal, 'none'>; message: string };

/** The words for each refusal, shown where the person asked (they travel back as the reason code only, never as text). */
export function idpStepUpMessage(reason: IdpStepUpRefusal, providerName: string, amr: string[] = []): string {
  const p = providerName;
  switch (reason) {
    case 'expired':
      return 'The verification took too long. Try again.';
    case 'other-subject':
      return `${p} signed in a different account. Verify as yourself.`;
    case 'no-auth-time':
      return `${p} did not say when you signed in, so the verification cannot count as fresh.`;
    case 'not-fresh':
      return `${p} did not ask you to sign in again. Try again; if it repeats, ask an administrator.`;
    case 'no-mfa':
      return (
        `${p} signed you in without multi-factor authentication${amr.length ? ` (${amr.join(', ')})` : ''}. ` + 'Use a second factor there.'
      );
    case 'none':
      return 'There was no verification waiting for this session. Start again from the form.';
  }
}

/**
 * Whether the provider's ID token satisfies a step-up asked for at `requestedAt`:
 * same subject as the signed-in person, `auth_time` not before the request (one second of
 * rounding allowed), and an MFA method in `amr` or, when ELEVATE_OIDC_MFA_ACR is set, that `acr`.
 */
export function acceptIdpStepUp(
  claims: IdpStepUpClaims,
  ctx: { requestedAt: number; now: number; expectedSub: string; providerName: string; mfaAcr?: string },
): IdpStepUpVerdict {
  const no = (reason: Exclude<IdpStepUpRefusal, 'none'>, amr: string[] = []): IdpStepUpVerdict => ({
    ok: false,
    reason,
    message: idpStepUpMessage(reason, ctx.providerName, amr),
  });
  if (ctx.now - ctx.requestedAt > IDP_STEP_UP_TTL_MS) return no('expired');
  if (claims.sub !== ctx.expectedSub) return no('other-subject');
  if (typeof claims.auth_time !== 'number' || !Number.isFinite(claims.auth_time)) return no('no-auth-time');
  if (claims.auth_time * 1000 < ctx.requestedAt - AUTH_TIME_TOLERANCE_MS) return no('not-fresh');
  if (ctx.mfaAcr && claims.acr === ctx.mfaAcr) return { ok: true, method: `acr:${ctx.mfaAcr}` };
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
  const mfa = amr.find((m) => MFA_AMR.has(m.toLowerCase()));
  if (mfa) return { ok: true, method: `amr:${mfa}` };
  return no('no-mfa', amr);
}

/** The method in force: the provider's MFA only while a provider is configured, so removing it cannot lock everyone out. */
export function effectiveMfaMethod(setting: MfaMethodSetting, providerConfigured: boolean): MfaMethodSetting {
  return providerConfigured ? setting : 'totp';
}

export const acceptsTotp = (m: MfaMethodSetting) => m !== 'idp';
export const acceptsIdp = (m: MfaMethodSetting) => m !== 'totp';
