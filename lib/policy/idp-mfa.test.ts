import { describe, expect, it } from 'vitest';
import { acceptIdpStepUp, effectiveMfaMethod, acceptsIdp, acceptsTotp } from './idp-mfa';

const requestedAt = Date.UTC(2026, 10, 29, 20, 0, 0, 400);
const ctx = { requestedAt, now: requestedAt + 30_000, expectedSub: 'jen', providerName: 'Contoso' };
const sec = (ms: number) => Math.floor(ms / 1000);

describe('acceptIdpStepUp', () => {
  it.each([
    ['pwd + mfa, after the request', { sub: 'jen', auth_time: sec(requestedAt) + 5, amr: ['pwd', 'mfa'] }, true, 'amr:mfa'],
    ['same second as the request (auth_time rounds down)', { sub: 'jen', auth_time: sec(requestedAt), amr: ['otp'] }, true, 'amr:otp'],
    ['hardware key, any case', { sub: 'jen', auth_time: sec(requestedAt) + 1, amr: ['HWK'] }, true, 'amr:HWK'],
    ['fido', { sub: 'jen', auth_time: sec(requestedAt) + 1, amr: ['fido'] }, true, 'amr:fido'],
    ['password only', { sub: 'jen', auth_time: sec(requestedAt) + 5, amr: ['pwd'] }, false, 'no-mfa'],
    ['no amr at all', { sub: 'jen', auth_time: sec(requestedAt) + 5 }, false, 'no-mfa'],
    ['amr not an array', { sub: 'jen', auth_time: sec(requestedAt) + 5, amr: 'mfa' }, false, 'no-mfa'],
    ['an older sign-in (provider kept its session)', { sub: 'jen', auth_time: sec(requestedAt) - 60, amr: ['mfa'] }, false, 'not-fresh'],
    ['two seconds before the request', { sub: 'jen', auth_time: sec(requestedAt) - 2, amr: ['mfa'] }, false, 'not-fresh'],
    ['no auth_time', { sub: 'jen', amr: ['mfa'] }, false, 'no-auth-time'],
    ['auth_time as a string', { sub: 'jen', auth_time: String(sec(requestedAt) + 5), amr: ['mfa'] }, false, 'no-auth-time'],
    ['another person', { sub: 'avery', auth_time: sec(requestedAt) + 5, amr: ['mfa'] }, false, 'other-subject'],
  ])('%s', (_name, claims, ok, what) => {
    const v = acceptIdpStepUp(claims, ctx);
    expect(v.ok).toBe(ok);
    expect(v.ok ? v.method : v.reason).toBe(what);
  });

  it('accepts the configured acr without an MFA amr, and only that acr', () => {
    const claims = { sub: 'jen', auth_time: sec(requestedAt) + 5, amr: ['pwd'], acr: 'urn:mfa' };
    expect(acceptIdpStepUp(claims, { ...ctx, mfaAcr: 'urn:mfa' })).toEqual({ ok: true, method: 'acr:urn:mfa' });
    expect(acceptIdpStepUp({ ...claims, acr: 'urn:low' }, { ...ctx, mfaAcr: 'urn:mfa' }).ok).toBe(false);
    expect(acceptIdpStepUp(claims, ctx).ok).toBe(false);
  });

  it('refuses a step-up finished long after it was asked for', () => {
    const v = acceptIdpStepUp({ sub: 'jen', auth_time: sec(requestedAt) + 5, amr: ['mfa'] }, { ...ctx, now: requestedAt + 11 * 60_000 });
    expect(v).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('names the provider and the methods it used in the refusal', () => {
    const v = acceptIdpStepUp({ sub: 'jen', auth_time: sec(requestedAt) + 5, amr: ['pwd'] }, ctx);
    expect(v.ok ? '' : v.message).toMatch(/Contoso signed you in without multi-factor authentication \(pwd\)/);
  });
});

describe('effectiveMfaMethod', () => {
  it('falls back to TOTP while no provider is configured', () => {
    expect(effectiveMfaMethod('idp', false)).toBe('totp');
    expect(effectiveMfaMethod('either', false)).toBe('totp');
    expect(effectiveMfaMethod('idp', true)).toBe('idp');
  });
  it('says which ways each setting accepts', () => {
    expect([acceptsTotp('totp'), acceptsTotp('idp'), acceptsTotp('either')]).toEqual([true, false, true]);
    expect([acceptsIdp('totp'), acceptsIdp('idp'), acceptsIdp('either')]).toEqual([false, true, true]);
  });
});
