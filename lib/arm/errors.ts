import { isElevateError, type ElevateError } from '@/lib/errors';
import { policyRefusal } from './policy-refusal';

/**
 * ARM's error envelope `{error: {code, message}}` with the HTTP status Azure SDKs expect.
 * The SDK turns any unexpected status into a RestError carrying `code` and `statusCode`,
 * so scripts can branch on the same codes they see from Azure.
 */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { code: string; message: string; target?: string }[],
  ) {
    super(message);
    this.name = 'ArmError';
  }
}

export const badRequest = (code: string, message: string) => new ArmError(400, code, message);
export const notFound = (code: string, message: string) => new ArmError(404, code, message);

/** How Elevate's own error codes read in ARM terms (codes Azure itself returns for the same situations). */
const FROM_ELEVATE: Record<ElevateError['code'], { status: number; code: string }> = {
  Unauthenticated: { status: 401, code: 'AuthenticationFailed' },
  AuthorizationFailed: { status: 403, code: 'AuthorizationFailed' },
  NotFound: { status: 404, code: 'NotFound' },
  InvalidRequest: { status: 400, code: 'BadRequest' },
  PolicyViolation: { status: 400, code: 'RoleAssignmentRequestPolicyValidationFailed' },
  Conflict: { status: 409, code: 'Conflict' },
  AlreadyDecided: { status: 409, code: 'ApprovalAlreadyDecided' },
  MfaRequired: { status: 400, code: 'MfaRequired' },
  InvalidMfaCode: { status: 400, code: 'InvalidMfaCode' },
};

const MFA_HINT =
  ' Over the API, MFA is proven with a step-up token: POST /api/tokens/step-up with a current TOTP code ' +
  '(or create one on the Profile page) and call again with that token.';

interface ViolationLike {
  code?: unknown;
}

function violationsOf(e: ElevateError): ViolationLike[] {
  const d = e.details as { violations?: unknown } | unknown[] | undefined;
  if (Array.isArray(d)) return d as ViolationLike[];
  if (d && typeof d === 'object' && Array.isArray((d as { violations?: unknown }).violations))
    return (d as { violations: ViolationLike[] }).violations;
  return [];
}

export function fromElevateError(e: ElevateError): ArmError {
  const base = FROM_ELEVATE[e.code] ?? { status: e.status, code: e.code };
  const violations = violationsOf(e);
  const codes = new Set(violations.map((v) => String(v.code)));
  // the engine reports "you may not manage here" as a violation; ARM callers expect a 403 for it
  if (e.code === 'PolicyViolation' && codes.size > 0 && [...codes].every((c) => c === 'not-authorized')) {
    return new ArmError(403, 'AuthorizationFailed', e.message);
  }
  // the engine's refusals read as Azure's ("The following policy rules failed: [...]"), Elevate's reasons in details
  if ((e.code === 'PolicyViolation' || e.code === 'MfaRequired') && violations.length > 0) {
    const r = policyRefusal(violations);
    return new ArmError(400, 'RoleAssignmentRequestPolicyValidationFailed', r.message, r.details);
  }
  const needsMfa = e.code === 'MfaRequired' || codes.has('mfa-required') || Boolean(e.fieldErrors?.mfaCode);
  const details = Object.entries(e.fieldErrors ?? {}).flatMap(([field, msgs]) => (msgs ?? []).map((m) => ({ code: field, message: m })));
  return new ArmError(base.status, base.code, needsMfa ? e.message + MFA_HINT : e.message, details.length ? details : undefined);
}

export function toArmError(e: unknown): ArmError {
  if (e instanceof ArmError) return e;
  if (isElevateError(e)) return fromElevateError(e);
  console.error('[elevate] API request failed', e instanceof Error ? (e.stack ?? e.message) : e);
  return new ArmError(500, 'InternalServerError', 'Something went wrong and nothing was changed. Try again.');
}

export function errorBody(e: ArmError) {
  return { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } };
}
