import { afterEach, beforeEach, describe, it } from 'vitest';
import { scimTenant, expectScimError } from './test-support';

/** Addresses a client may get wrong: each answered in SCIM's error shape, never a server error. */
let t: ReturnType<typeof scimTenant>;
beforeEach(() => {
  t = scimTenant();
});
afterEach(() => t.close());

describe('SCIM addresses', () => {
  it('answers a malformed escape in the path with a SCIM 404', async () => {
    expectScimError(await t.call('GET', '/Users/%E0%A4%A'), 404);
  });

  it('answers an unknown resource and a path below a resource with a SCIM 404', async () => {
    expectScimError(await t.call('GET', '/Users/does-not-exist'), 404);
    expectScimError(await t.call('GET', '/Users/x/y'), 404);
  });

  it('refuses a missing or revoked token with a SCIM 401', async () => {
    expectScimError(await t.call('GET', '/Users', undefined, {}, 'scim_not-a-token'), 401);
  });
});
