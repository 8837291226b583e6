import { describe, expect, it } from 'vitest';
import { guardRequest } from '@/lib/http/request-guard.mjs';

/** serve.mjs's guard in front of /scim (ADR 102): no origin check for bearer clients, the body limit in SCIM's words. */
describe('request guard for /scim', () => {
  const publicUrl = 'https://pim.example.test';
  it('lets a provisioning client through whatever Origin it sends', () => {
    for (const headers of [{}, { origin: 'https://idp.example' }, { 'sec-fetch-site': 'cross-site' }]) {
      expect(
        guardRequest({ method: 'PATCH', url: '/scim/v2/Users/1', headers: { ...headers, 'content-length': '100' }, publicUrl }),
      ).toBeNull();
    }
  });

  it('refuses a body over 1 MB with a SCIM error, as it still refuses cross-origin portal requests', () => {
    const big = guardRequest({ method: 'POST', url: '/scim/v2/Users', headers: { 'content-length': String(2 * 1024 * 1024) }, publicUrl })!;
    expect(big.status).toBe(413);
    expect(big.headers['Content-Type']).toBe('application/scim+json');
    expect(JSON.parse(big.body)).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '413' });
    expect(
      guardRequest({ method: 'POST', url: '/api/tokens/step-up', headers: { origin: 'https://evil.example' }, publicUrl })?.status,
    ).toBe(403);
  });
});
