import crypto from 'node:crypto';

/**
 * Per-endpoint signing secrets in the Standard Webhooks form: `whsec_` + base64 of the
 * key bytes. The spec asks for 24–64 bytes; we generate 24 (what receivers' libraries
 * expect to see) and accept any key in that range, with or without the prefix, because
 * secrets referenced from the environment are often pasted from another system.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const MIN_BYTES = 24;
const MAX_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + crypto.randomBytes(24).toString('base64');
}

/**
 * Why `s` cannot sign webhooks, or null when it can. The message never repeats the
 * secret: it ends up in logs and on the Connectors page.
 */
export function webhookSecretProblem(s: string): string | null {
  const key = s.startsWith(WEBHOOK_SECRET_PREFIX) ? s.slice(WEBHOOK_SECRET_PREFIX.length) : s;
  if (!key) return 'The webhook secret is empty.';
  // not trimmed for the caller: the signer would use the untrimmed value and disagree
  if (/\s/.test(key)) return 'The webhook secret contains whitespace (a trailing newline in the environment variable?).';
  // the library decodes leniently; a typo would silently become a different key
  if (!BASE64.test(key))
    return `The webhook secret must be ${WEBHOOK_SECRET_PREFIX} followed by standard base64 (A–Z, a–z, 0–9, +, /, with = padding).`;
  const bytes = Buffer.from(key, 'base64').length;
  if (bytes < MIN_BYTES || bytes > MAX_BYTES)
    return `The webhook secret must decode to ${MIN_BYTES}–${MAX_BYTES} bytes (it decodes to ${bytes}).`;
  return null;
}

export function isWebhookSecret(s: string): boolean {
  return webhookSecretProblem(s) === null;
}

/** Throws the clear error when `s` cannot sign webhooks. */
export function assertWebhookSecret(s: string): void {
  const problem = webhookSecretProblem(s);
  if (problem) throw new Error(problem);
}
