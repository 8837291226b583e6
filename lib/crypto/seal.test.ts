import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal, unseal, hashToken } from './seal';

const key = crypto.randomBytes(32);

describe('secrets at rest', () => {
  it('round-trips and never stores the plain text', () => {
    const sealed = seal('JBSWY3DPEHPK3PXP', key);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(unseal(sealed, key)).toBe('JBSWY3DPEHPK3PXP');
    expect(seal('same', key)).not.toBe(seal('same', key));
  });

  it('refuses a tampered value or the wrong key', () => {
    const sealed = seal('secret', key);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('SECRET').toString('base64url');
    expect(() => unseal(parts.join('.'), key)).toThrow();
    expect(() => unseal(sealed, crypto.randomBytes(32))).toThrow();
  });

  it('hashes tokens one way', () => {
    expect(hashToken('elv_abc')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken('elv_abc')).not.toBe(hashToken('elv_abd'));
  });
});
