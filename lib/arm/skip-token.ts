import 'server-only';
import crypto from 'node:crypto';
import { getAuthSecret } from '@/lib/crypto/secrets';
import { badRequest } from './errors';

/**
 * `$skipToken`: where the next page starts, as the sort key of the last item served
 * (e.g. [createdAt, id]), never an offset, so a page reads only its own rows and rows
 * inserted between page reads shift nothing. The token is opaque to clients and signed
 * (HMAC with a key derived from the auth secret): a forged or truncated token is a clear
 * 400, not a query over attacker-chosen values. It also names the list it belongs to
 * (collection, scope, $filter), so a token pasted onto another list is refused too.
 */

export type SortKey = (string | number)[];

const VERSION = 'v1';
let macKey: Buffer | undefined;

function key(): Buffer {
  macKey ??= crypto.createHmac('sha256', getAuthSecret()).update('elevate/arm/skip-token').digest();
  return macKey;
}

const mac = (payload: string) => crypto.createHmac('sha256', key()).update(payload).digest('base64url').slice(0, 22);

/** A short fingerprint of what a list is, so its tokens fit no other list. */
export function listFingerprint(parts: (string | null | undefined)[]): string {
  return crypto
    .createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\u0000'))
    .digest('base64url')
    .slice(0, 12);
}

export function encodeSkipToken(list: string, sortKey: SortKey): string {
  const payload = Buffer.from(JSON.stringify({ l: list, k: sortKey })).toString('base64url');
  return `${VERSION}.${payload}.${mac(`${VERSION}.${payload}`)}`;
}

const refuse = () =>
  badRequest(
    'InvalidSkipToken',
    '$skipToken is not one this server issued for this list. Follow nextLink as returned, or start again without $skipToken.',
  );

/**
 * The sort key a token carries, checked against the list and the key's shape
 * (`shape` gives each position's type); anything else is a 400 InvalidSkipToken.
 */
export function decodeSkipToken(token: string, list: string, shape: readonly ('string' | 'number')[]): SortKey {
  if (token.length > 2048) throw refuse();
  const [version, payload, signature, ...rest] = token.split('.');
  if (version !== VERSION || !payload || !signature || rest.length) throw refuse();
  const expected = Buffer.from(mac(`${version}.${payload}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const p = parsed as { l?: unknown; k?: unknown };
  if (p.l !== list || !Array.isArray(p.k) || p.k.length !== shape.length) throw refuse();
  const k = p.k as unknown[];
  if (!k.every((v, i) => (shape[i] === 'number' ? Number.isSafeInteger(v) : typeof v === 'string' && v.length <= 1024))) throw refuse();
  return k as SortKey;
}
