import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { assertWebhookSecret, isWebhookSecret, newWebhookSecret, webhookSecretProblem } from './secret';

describe('webhook secrets', () => {
  it('generates whsec_ + base64 of 24 random bytes that the library signs with', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(24);
    expect(a).not.toBe(newWebhookSecret());
    expect(isWebhookSecret(a)).toBe(true);
    const wh = new Webhook(a);
    const at = new Date();
    const sig = wh.sign('evt', at, '{}');
    expect(
      wh.verify('{}', { 'webhook-id': 'evt', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': sig }),
    ).toEqual({});
  });

  it('accepts a key with or without the prefix, as receivers paste it', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(isWebhookSecret(key)).toBe(true);
    expect(isWebhookSecret(`whsec_${key}`)).toBe(true);
  });

  it.each([
    ['', /empty/],
    ['whsec_', /empty/],
    [`whsec_${Buffer.alloc(24).toString('base64')}\n`, /whitespace/],
    ['whsec_not-base64!!', /standard base64/],
    [`whsec_${Buffer.alloc(24).toString('base64url').replace(/A/g, '_')}`, /standard base64/],
    [`whsec_${Buffer.alloc(16).toString('base64')}`, /24–64 bytes \(it decodes to 16\)/],
    [`whsec_${Buffer.alloc(65).toString('base64')}`, /24–64 bytes \(it decodes to 65\)/],
    ['hunter2hunter2', /standard base64|24–64/],
  ])('refuses %j with a clear reason that does not repeat it', (s, reason) => {
    const problem = webhookSecretProblem(s);
    expect(problem).toMatch(reason);
    if (s.length > 6) expect(problem).not.toContain(s.trim());
    expect(() => assertWebhookSecret(s)).toThrow(reason);
  });
});
