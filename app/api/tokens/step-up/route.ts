import { z } from 'zod';
import { getDb } from '@/lib/db';
import { authenticate } from '@/lib/arm/auth';
import { toArmError } from '@/lib/arm/errors';
import { armErrorResponse, armJson, readBody } from '@/lib/arm/http';
import { refuseCrossOrigin } from '@/lib/http/origin';
import { createStepUpToken } from '@/lib/tokens/tokens';
import { stepUpRetryAfter } from '@/lib/tokens/throttle';

export const dynamic = 'force-dynamic';

const Body = z.object({
  code: z.string().regex(/^\s*\d{6}\s*$/, 'code must be the 6-digit code from your authenticator app'),
  name: z.string().max(80).optional(),
});

/**
 * MFA step-up over the API: a caller holding a personal token proves a fresh TOTP code
 * and gets a short-lived token that MFA-gated activations accept. The code is burnt, so
 * it cannot be replayed; a step-up token cannot mint another (it would extend its own life).
 */
export async function POST(req: Request): Promise<Response> {
  // bearer-token callers send no Origin; a page of another site never gets this far
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const now = Date.now();
  try {
    const db = getDb();
    const who = authenticate(db, req.headers.get('authorization'), now);
    if (who.token.stepUp)
      return armJson({ error: { code: 'StepUpTokenNotAllowed', message: 'Use a personal token, not a step-up token, to step up.' } }, 403);
    const wait = stepUpRetryAfter(who.user.id, now);
    if (wait > 0) {
      return armJson(
        { error: { code: 'TooManyRequests', message: `Too many wrong codes. Try again in ${Math.ceil(wait / 60_000)} minute(s).` } },
        429,
        { 'retry-after': String(Math.ceil(wait / 1000)) },
      );
    }
    const body = await readBody(req, Body);
    // wrong codes are counted by verifyMfaStepUp itself, for every channel alike
    const issued = createStepUpToken(db, who.user, { code: body.code.trim(), name: body.name }, now);
    return armJson(
      {
        token: issued.token,
        id: issued.summary.id,
        name: issued.summary.name,
        mfaVerifiedOn: new Date(issued.summary.mfaVerifiedAt!).toISOString(),
        expiresOn: new Date(issued.summary.expiresAt).toISOString(),
      },
      201,
    );
  } catch (e) {
    return armErrorResponse(toArmError(e));
  }
}
