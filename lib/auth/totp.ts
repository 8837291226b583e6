import { TOTP, Secret } from 'otpauth';

/** RFC 6238 defaults that every authenticator app speaks: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_S = 30;

const totp = (secret: string, label = 'Elevate') =>
  new TOTP({ issuer: 'Elevate', label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S, secret: Secret.fromBase32(secret) });

export const newTotpSecret = () => new Secret({ size: 20 }).base32;

export const totpUri = (secret: string, account: string) => totp(secret, account).toString();

/** The code for `at` (the demo authenticator shows it). */
export const totpCode = (secret: string, at: number) => totp(secret).generate({ timestamp: at });

export const stepAt = (at: number) => Math.floor(at / 1000 / TOTP_PERIOD_S);

/**
 * Checks a code against the current step ± 1 (clock drift) and returns the step it
 * matched. A code whose step is not after `lastStep` is refused, so a code is never
 * accepted twice, not even within its own 30 seconds.
 */
export function checkTotp(
  secret: string,
  code: string,
  at: number,
  lastStep: number | null,
): { ok: true; step: number } | { ok: false; reason: 'format' | 'wrong' | 'reused' } {
  if (!/^\d{6}$/.test(code)) return { ok: false, reason: 'format' };
  const delta = totp(secret).validate({ token: code, timestamp: at, window: 1 });
  if (delta === null) return { ok: false, reason: 'wrong' };
  const step = stepAt(at) + delta;
  if (lastStep !== null && step <= lastStep) return { ok: false, reason: 'reused' };
  return { ok: true, step };
}

export const TOTP_MESSAGES = {
  format: 'Enter the 6-digit code from your authenticator app.',
  wrong: 'That code is not right. Check the time on your device and enter the current code.',
  reused: 'That code was already used. Wait for the next code and enter it.',
  notEnrolled: 'Set up an authenticator app first.',
} as const;
