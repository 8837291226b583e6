import { describe, expect, it } from 'vitest';
import { checkTotp, totpCode, stepAt } from './totp';

const SECRET = 'JBSWY3DPEHPK3PXP';
const T = Date.UTC(2026, 10, 27, 10, 0, 5);

describe('TOTP step-up', () => {
  it('accepts the current code and reports its step', () => {
    expect(checkTotp(SECRET, totpCode(SECRET, T), T, null)).toEqual({ ok: true, step: stepAt(T) });
  });

  it('tolerates one step of clock drift either way, no more', () => {
    expect(checkTotp(SECRET, totpCode(SECRET, T - 30_000), T, null).ok).toBe(true);
    expect(checkTotp(SECRET, totpCode(SECRET, T + 30_000), T, null).ok).toBe(true);
    expect(checkTotp(SECRET, totpCode(SECRET, T - 90_000), T, null)).toEqual({ ok: false, reason: 'wrong' });
  });

  it('never accepts a code twice, nor an older one after a newer', () => {
    const first = checkTotp(SECRET, totpCode(SECRET, T), T, null);
    expect(first.ok).toBe(true);
    const step = (first as { step: number }).step;
    expect(checkTotp(SECRET, totpCode(SECRET, T), T + 1_000, step)).toEqual({ ok: false, reason: 'reused' });
    expect(checkTotp(SECRET, totpCode(SECRET, T - 30_000), T, step)).toEqual({ ok: false, reason: 'reused' });
    expect(checkTotp(SECRET, totpCode(SECRET, T + 30_000), T + 30_000, step).ok).toBe(true);
  });

  it('refuses malformed input', () => {
    expect(checkTotp(SECRET, '12345', T, null)).toEqual({ ok: false, reason: 'format' });
    expect(checkTotp(SECRET, 'abcdef', T, null)).toEqual({ ok: false, reason: 'format' });
  });
});
