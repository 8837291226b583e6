import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { scimTenant, type Reply } from './test-support';

/**
 * The sequence Okta's SCIM 2.0 provisioning sends (its SCIM 2.0 reference and test suite):
 * the connection test, a lookup, a create that carries a password, a full PUT, deactivation
 * and reactivation by a no-path replace, and push groups with members selected by value
 * path. Each response is checked against RFC 7644.
 */
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

let t: ReturnType<typeof scimTenant>;
beforeEach(() => {
  t = scimTenant();
});
afterEach(() => t.close());

const list = (r: Reply, total: number) => {
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(r.body).toMatchObject({ schemas: [LIST], totalResults: total, startIndex: 1 });
  return r.body.Resources as Record<string, any>[];
};

const oktaUser = {
  schemas: [CORE],
  userName: 'test.user@okta.local',
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: '1mz050nq',
  active: true,
};

describe('Okta: users', () => {
  it('tests the connection, creates, replaces, deactivates and reactivates a user', async () => {
    list(await t.call('GET', '/Users?startIndex=1&count=2'), 0);
    list(await t.call('GET', `/Users?filter=${encodeURIComponent('userName eq "test.user@okta.local"')}&startIndex=1&count=100`), 0);

    const created = await t.call('POST', '/Users', oktaUser);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // the password Okta sends is dropped unread: provisioned people sign in through single sign-on
    expect(created.body).not.toHaveProperty('password');
    expect(created.body).not.toHaveProperty('groups');
    const row = t.db.select().from(users).where(eq(users.id, id)).get()!;
    expect(row.passwordHash).toBe('');
    expect(row.scimAttributes).not.toContain('1mz050nq');
    expect(created.body).toMatchObject({
      userName: 'test.user@okta.local',
      displayName: 'Test User',
      locale: 'en-US',
      active: true,
      externalId: '00ujl29u0le5T6Aj10h7',
    });

    const got = await t.call('GET', `/Users/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.name).toEqual({ givenName: 'Test', familyName: 'User' });

    // PUT replaces: what is left out is gone, id and meta are the server's
    const put = await t.call('PUT', `/Users/${id}`, {
      ...oktaUser,
      id,
      name: { givenName: 'Another', familyName: 'User' },
      locale: undefined,
      displayName: 'Another User',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id,
      displayName: 'Another User',
      name: { givenName: 'Another', familyName: 'User' },
      meta: { version: 'W/"2"' },
    });
    expect(put.body).not.toHaveProperty('locale');
    expect(put.headers.get('etag')).toBe('W/"2"');

    const off = await t.call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const on = await t.call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] });
    expect(on.body.active).toBe(true);
    expect(t.db.select().from(users).where(eq(users.id, id)).get()!.disabled).toBe(false);
    // password sign-in is refused for an account without a local password, even with an empty one
    const { checkCredentials } = await import('@/lib/auth/credentials');
    const r = await checkCredentials(
      t.db,
      { email: 'test.user@okta.local', password: '' },
      { now: () => t.clock.now, threshold: 5, minutes: 15 },
    );
    expect(r.ok).toBe(false);
  });
});

describe('Okta: push groups', () => {
  it('creates a group, renames it with its own id, adds and removes a member by value path, and deletes it', async () => {
    const uid = (await t.call('POST', '/Users', oktaUser)).body.id as string;
    const created = await t.call('POST', '/Groups', { schemas: [GROUP], displayName: 'Test SCIMv2', members: [] });
    expect(created.status).toBe(201);
    const gid = created.body.id as string;
    expect(
      list(await t.call('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Test SCIMv2"')}&startIndex=1&count=100`), 1)[0].id,
    ).toBe(gid);

    const renamed = await t.call('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { id: gid, displayName: 'Test SCIMv2 renamed' } }],
    });
    expect(renamed.status).toBe(204);
    expect((await t.call('GET', `/Groups/${gid}`)).body.displayName).toBe('Test SCIMv2 renamed');

    const add = await t.call('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: uid, display: 'test.user@okta.local' }] }],
    });
    expect(add.status).toBe(204);
    expect((await t.call('GET', `/Groups/${gid}`)).body.members).toEqual([
      { value: uid, display: 'Test User', type: 'User', $ref: expect.stringMatching(new RegExp(`/Users/${uid}$`)) },
    ]);
    const remove = await t.call('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH],
      Operations: [{ op: 'remove', path: `members[value eq "${uid}"]` }],
    });
    expect(remove.status).toBe(204);
    expect((await t.call('GET', `/Groups/${gid}`)).body.members).toEqual([]);

    // PUT replaces the members as a whole
    const put = await t.call('PUT', `/Groups/${gid}`, {
      schemas: [GROUP],
      id: gid,
      displayName: 'Test SCIMv2 renamed',
      members: [{ value: uid }],
    });
    expect(put.status).toBe(200);
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([uid]);

    expect((await t.call('DELETE', `/Groups/${gid}`)).status).toBe(204);
    list(await t.call('GET', '/Groups'), 0);
  });
});
