import 'server-only';
import type { Db } from '@/db/client';
import { authenticateToken, type TokenIdentity } from '@/lib/tokens/tokens';
import { ArmError } from './errors';

/**
 * Bearer authentication with a personal API token. Missing and bad tokens get ARM's
 * 401 codes; an Azure AD JWT (what `az` sends by default) is named as such, so the
 * caller knows to pass an Elevate token instead.
 */
export function authenticate(db: Db, authorization: string | null, now: number): TokenIdentity {
  if (!authorization)
    throw new ArmError(
      401,
      'AuthenticationFailed',
      'Authentication failed. The Authorization header is missing: send "Authorization: Bearer elv_…" with a personal API token from the Profile page.',
    );
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) throw new ArmError(401, 'AuthenticationFailed', 'Authentication failed. The Authorization header must be "Bearer <token>".');
  const token = m[1];
  if (!token.startsWith('elv_')) {
    throw new ArmError(
      401,
      'InvalidAuthenticationToken',
      'The access token is not an Elevate API token. Create one on the Profile page (it starts with "elv_").',
    );
  }
  const who = authenticateToken(db, token, now);
  if (!who) throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid, expired or revoked.');
  return who;
}
