import { describe, expect, it } from 'vitest';
import { safeReturn } from './safe-return';

describe('return address after sign-in', () => {
  it('keeps paths on this site', () => {
    expect(safeReturn('/requests/abc?tab=active')).toBe('/requests/abc?tab=active');
    expect(safeReturn(undefined)).toBe('/');
  });

  it('refuses anything that leaves the site', () => {
    for (const evil of ['https://evil.test', '//evil.test', '/\\evil.test', '/\t/evil.test', '\\\\evil.test', 'javascript:alert(1)']) {
      expect(safeReturn(evil)).toBe('/');
    }
  });
});
