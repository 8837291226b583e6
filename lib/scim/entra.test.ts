import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents, users } from '@/db/schema';
import { scimTenant, expectScimError, BASE, type Reply } from './test-support';

/**
 * The request sequence Microsoft documents for Entra ID's provisioning service
 * ("Develop and plan provisioning for a SCIM endpoint": user and group operations), replayed
 * against the handler on a real SQLite file, each response checked against RFC 7644.
 */
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

let t: ReturnType<typeof scimTenant>;
beforeEach(() => {
  t = scimTenant();
});
afterEach(() => t.close());

const q = (filter: string, more = '') => `?filter=${encodeURIComponent(filter)}${more}`;

function expectScimJson(r: Reply) {
  expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
}

function expectList(r: Reply, total: number, startIndex = 1, perPage = Math.min(total, 100)) {
  expect(r.status).toBe(200);
  expectScimJson(r);
  expect(r.body).toMatchObject({ schemas: [LIST], totalResults: total, startIndex, itemsPerPage: perPage });
  expect(r.body.Resources).toHaveLength(perPage);
}

const entraUser = {
  schemas: [CORE, ENTERPRISE],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7b6a4c1f2c3d',
  userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
  active: true,
  emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
  meta: { resourceType: 'User' },
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  roles: [],
};

describe('Entra ID: user operations', () => {
  it('creates, finds by filter, patches, disables and deletes a user as RFC 7644 says', async () => {
    // 1. Entra looks for the user first: nobody yet
    expectList(await t.call('GET', `/Users${q(`userName eq "${entraUser.userName}"`)}`), 0);

    // 2. create: 201, Location and ETag, the resource as stored
    const created = await t.call('POST', '/Users', entraUser);
    expect(created.status).toBe(201);
    expectScimJson(created);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`${BASE}/Users/${id}`);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(created.body).toMatchObject({
      schemas: [CORE],
      id,
      externalId: entraUser.externalId,
      userName: entraUser.userName,
      active: true,
      displayName: 'givenName familyName',
      emails: entraUser.emails,
      name: entraUser.name,
      meta: { resourceType: 'User', version: 'W/"1"', location: `${BASE}/Users/${id}` },
    });
    expect(Date.parse(created.body.meta.created)).toBe(t.clock.now);
    const row = t.db.select().from(users).where(eq(users.id, id)).get()!;
    expect(row).toMatchObject({ source: 'scim', passwordHash: '', isPimAdmin: false, disabled: false });

    // a second create of the same userName (any case) is a uniqueness conflict
    expectScimError(await t.call('POST', '/Users', { ...entraUser, userName: entraUser.userName.toUpperCase() }), 409, 'uniqueness');

    // 3. get by id and by query, and a query that matches nobody
    const got = await t.call('GET', `/Users/${id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('W/"1"');
    expect(got.body.id).toBe(id);
    const found = await t.call('GET', `/Users${q(`userName eq "${entraUser.userName.toLowerCase()}"`)}`);
    expectList(found, 1);
    expect(found.body.Resources[0].id).toBe(id);
    expectList(await t.call('GET', `/Users${q(`externalId eq "${entraUser.externalId}"`)}`), 1);
    expectList(await t.call('GET', `/Users${q('userName eq "non-existent user"')}`), 0);

    // 4. update multi-valued and single-valued attributes (Entra capitalises the op)
    t.clock.now += 60_000;
    const multi = await t.call('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    });
    expect(multi.status).toBe(200);
    expect(multi.body.emails).toEqual([{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
    expect(multi.body.name.familyName).toBe('updatedFamilyName');
    expect(multi.body.meta.version).toBe('W/"2"');
    expect(Date.parse(multi.body.meta.lastModified)).toBe(t.clock.now);
    const single = await t.call('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' }],
    });
    expect(single.status).toBe(200);
    expect(single.body.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
    // the enterprise extension, by its URN path
    const manager = await t.call('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: 'f1b7b0a8' }],
    });
    expect(manager.body.schemas).toEqual([CORE, ENTERPRISE]);
    expect(manager.body[ENTERPRISE]).toEqual({ manager: 'f1b7b0a8' });

    // 5. disable: Entra's documented quirk sends the boolean as the string "False"
    const disabled = await t.call('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body.active).toBe(false);
    expect(t.db.select().from(users).where(eq(users.id, id)).get()!.disabled).toBe(true);
    const again = await t.call('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'active', value: false }],
    });
    expect(again.body.meta.version).toBe(disabled.body.meta.version); // nothing changed, nothing written

    // 6. delete: 204 without a body, then the user is gone for SCIM (and the userName is free again)
    const deleted = await t.call('DELETE', `/Users/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toEqual({});
    expectScimError(await t.call('GET', `/Users/${id}`), 404);
    expectList(await t.call('GET', `/Users${q(`externalId eq "${entraUser.externalId}"`)}`), 0);
    expect((await t.call('POST', '/Users', { ...entraUser, userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' })).status).toBe(
      201,
    );

    const actions = t.db
      .select()
      .from(auditEvents)
      .all()
      .filter((e) => e.principalId === id)
      .map((e) => [e.action, e.actorName]);
    expect(actions).toEqual([
      ['User provisioned', 'SCIM client "Entra ID"'],
      ['User updated by provisioning', 'SCIM client "Entra ID"'],
      ['User updated by provisioning', 'SCIM client "Entra ID"'],
      ['User updated by provisioning', 'SCIM client "Entra ID"'],
      ['User disabled by provisioning', 'SCIM client "Entra ID"'],
      ['Access ended by provisioning', 'SCIM client "Entra ID"'],
      ['User deleted by provisioning', 'SCIM client "Entra ID"'],
    ]);
  });

  it('pages with startIndex and count, and count=0 gives only the total', async () => {
    for (let i = 0; i < 3; i++) {
      t.clock.now += 1000;
      await t.call('POST', '/Users', { schemas: [CORE], userName: `user${i}@contoso.test`, displayName: `User ${i}` });
    }
    const page = await t.call('GET', '/Users?startIndex=2&count=1');
    expectList(page, 3, 2, 1);
    expect(page.body.Resources[0].userName).toBe('user1@contoso.test');
    expectList(await t.call('GET', '/Users?startIndex=3&count=5'), 3, 3, 1);
    expectList(await t.call('GET', '/Users?count=0'), 3, 1, 0);
    expectList(await t.call('GET', '/Users?startIndex=0&count=2'), 3, 1, 2);
    expectScimError(await t.call('GET', '/Users?count=many'), 400, 'invalidValue');
  });
});

describe('Entra ID: group operations', () => {
  it('creates a group, adds and removes members, renames and deletes it', async () => {
    const a = (await t.call('POST', '/Users', { schemas: [CORE], userName: 'a@contoso.test', displayName: 'A' })).body.id as string;
    const b = (await t.call('POST', '/Users', { schemas: [CORE], userName: 'b@contoso.test', displayName: 'B' })).body.id as string;
    expectList(await t.call('GET', `/Groups${q('displayName eq "displayName"', '&excludedAttributes=members')}`), 0);
    const created = await t.call('POST', '/Groups', {
      schemas: [GROUP],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    });
    expect(created.status).toBe(201);
    const gid = created.body.id as string;
    expect(created.headers.get('location')).toBe(`${BASE}/Groups/${gid}`);
    expect(created.body).toMatchObject({
      schemas: [GROUP],
      id: gid,
      displayName: 'displayName',
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      members: [],
      meta: { resourceType: 'Group', version: 'W/"1"' },
    });
    expectScimError(await t.call('POST', '/Groups', { schemas: [GROUP], displayName: 'DISPLAYNAME' }), 409, 'uniqueness');

    const excluded = await t.call('GET', `/Groups/${gid}?excludedAttributes=members`);
    expect(excluded.status).toBe(200);
    expect(excluded.body).not.toHaveProperty('members');
    expectList(await t.call('GET', `/Groups${q('displayName eq "displayName"', '&excludedAttributes=members')}`), 1);

    const add = await t.call('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH],
      Operations: [
        {
          op: 'Add',
          path: 'members',
          value: [
            { $ref: null, value: a },
            { $ref: null, value: b },
          ],
        },
      ],
    });
    expect(add.status).toBe(204);
    expect(add.headers.get('etag')).toBe('W/"2"');
    const withMembers = await t.call('GET', `/Groups/${gid}`);
    expect(withMembers.body.members.map((m: { value: string }) => m.value).sort()).toEqual([a, b].sort());
    expect(withMembers.body.members[0]).toMatchObject({ type: 'User', $ref: expect.stringContaining(`${BASE}/Users/`) });

    const remove = await t.call('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: a }] }],
    });
    expect(remove.status).toBe(204);
    expect((await t.call('GET', `/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value)).toEqual([b]);
    // removing someone who is no longer a member is already done (clients retry)
    expect(
      (
        await t.call('PATCH', `/Groups/${gid}`, {
          schemas: [PATCH],
          Operations: [{ op: 'Remove', path: 'members', value: [{ value: a }] }],
        })
      ).status,
    ).toBe(204);

    const renamed = await t.call('PATCH', `/Groups/${gid}?excludedAttributes=members`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }],
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.displayName).toBe('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');

    expect((await t.call('DELETE', `/Groups/${gid}`)).status).toBe(204);
    expectScimError(await t.call('GET', `/Groups/${gid}`), 404);
    // the name is free for a new group
    expect(
      (await t.call('POST', '/Groups', { schemas: [GROUP], displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' })).status,
    ).toBe(201);
  });
});

describe("errors in SCIM's schema", () => {
  it('refuses bad filters, bodies, paths and values with the right scimType', async () => {
    const id = (await t.call('POST', '/Users', { schemas: [CORE], userName: 'err@contoso.test' })).body.id as string;
    expectScimError(await t.call('GET', `/Users${q('userName sw "err"')}`), 400, 'invalidFilter');
    expectScimError(await t.call('GET', `/Users${q('title eq "x"')}`), 400, 'invalidFilter');
    expectScimError(await t.call('GET', `/Users${q('userName eq')}`), 400, 'invalidFilter');
    expectScimError(await t.call('POST', '/Users', '{"userName": '), 400, 'invalidSyntax');
    expectScimError(await t.call('PATCH', `/Users/${id}`, { schemas: [PATCH] }), 400, 'invalidSyntax');
    expectScimError(
      await t.call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'move', path: 'title', value: 'x' }] }),
      400,
      'invalidSyntax',
    );
    expectScimError(await t.call('POST', '/Users', { schemas: [CORE], displayName: 'No userName' }), 400, 'invalidValue');
    expectScimError(
      await t.call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] }),
      400,
      'invalidValue',
    );
    expectScimError(
      await t.call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'id', value: 'other' }] }),
      400,
      'mutability',
    );
    expectScimError(
      await t.call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }] }),
      400,
      'mutability',
    );
    expectScimError(await t.call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'remove' }] }), 400, 'noTarget');
    expectScimError(
      await t.call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'emails[type eq', value: 'x' }] }),
      400,
    );
    const gid = (await t.call('POST', '/Groups', { schemas: [GROUP], displayName: 'Errors' })).body.id as string;
    expectScimError(
      await t.call('PATCH', `/Groups/${gid}`, {
        schemas: [PATCH],
        Operations: [{ op: 'remove', path: 'members[value eq "no-such-user"]' }],
      }),
      400,
      'noTarget',
    );
    expectScimError(
      await t.call('PATCH', `/Groups/${gid}`, {
        schemas: [PATCH],
        Operations: [{ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }],
      }),
      400,
      'invalidValue',
    );
    expectScimError(
      await t.call('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'owner', value: 'x' }] }),
      400,
      'invalidPath',
    );
    // a version that is not the current one
    expectScimError(
      await t.call(
        'PATCH',
        `/Users/${id}`,
        { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'x' }] },
        { 'if-match': 'W/"7"' },
      ),
      412,
    );
    expect(
      (
        await t.call(
          'PATCH',
          `/Users/${id}`,
          { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'x' }] },
          { 'if-match': 'W/"1"' },
        )
      ).status,
    ).toBe(200);
    // the media type and the methods
    const plain = await t.call('POST', '/Users', 'userName=x', { 'content-type': 'text/plain' });
    expectScimError(plain, 415);
    expect(
      (
        await t.call(
          'POST',
          '/Users',
          { schemas: [CORE], userName: 'json@contoso.test' },
          { 'content-type': 'application/json; charset=utf-8' },
        )
      ).status,
    ).toBe(201);
    const wrong = await t.call('DELETE', '/Users');
    expectScimError(wrong, 405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
    expectScimError(await t.call('GET', '/Elsewhere'), 404);
  });

  it('answers 401 without a token, with a wrong one and with a revoked one', async () => {
    const none = await t.call('GET', '/Users', undefined, {}, '');
    expectScimError(none, 401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectScimError(await t.call('GET', '/Users', undefined, {}, 'scim_' + 'A'.repeat(43)), 401);
    expectScimError(await t.call('GET', '/ServiceProviderConfig', undefined, {}, 'elv_' + 'A'.repeat(43)), 401);
    const { revokeScimToken } = await import('./tokens');
    revokeScimToken(t.db, t.steve, t.tokenId, t.clock.now);
    expectScimError(await t.call('GET', '/Users'), 401);
    // a request authenticated just before the revocation committed changes nothing
    const { createUser } = await import('./users');
    const client = { tokenId: t.tokenId, tenantId: t.steve.tenantId, name: 'Entra ID' };
    expect(() => createUser({ db: t.db, client, now: t.clock.now, baseUrl: BASE }, { userName: 'late@contoso.test' })).toThrow(/revoked/);
  });

  it('never shows or lets a client take over local accounts', async () => {
    expectList(await t.call('GET', `/Users${q('userName eq "steve@bluewidget.test"')}`), 0);
    expectList(await t.call('GET', '/Users'), 0);
    expectScimError(await t.call('GET', `/Users/${t.ids.steve}`), 404);
    expectScimError(
      await t.call('PATCH', `/Users/${t.ids.steve}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }),
      404,
    );
    expectScimError(await t.call('DELETE', `/Users/${t.ids.steve}`), 404);
    expectScimError(await t.call('POST', '/Users', { schemas: [CORE], userName: 'Steve@BlueWidget.test' }), 409, 'uniqueness');
    expect(t.db.select().from(users).where(eq(users.id, t.ids.steve)).get()!.disabled).toBe(false);
  });
});

describe('discovery', () => {
  it('describes the service, its resource types and schemas', async () => {
    const spc = await t.call('GET', '/ServiceProviderConfig');
    expect(spc.status).toBe(200);
    expectScimJson(spc);
    expect(spc.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true },
      etag: { supported: true },
      sort: { supported: false },
      changePassword: { supported: false },
      authenticationSchemes: [{ type: 'oauthbearertoken' }],
    });
    const types = await t.call('GET', '/ResourceTypes');
    expectList(types, 2);
    expect(types.body.Resources.map((r: { endpoint: string }) => r.endpoint)).toEqual(['/Users', '/Groups']);
    expect((await t.call('GET', '/ResourceTypes/User')).body.schema).toBe(CORE);
    const schemas = await t.call('GET', '/Schemas');
    expectList(schemas, 3);
    const user = await t.call('GET', `/Schemas/${CORE}`);
    expect(user.body.attributes.find((a: { name: string }) => a.name === 'userName')).toMatchObject({
      required: true,
      uniqueness: 'server',
    });
    expectScimError(await t.call('GET', '/Schemas/urn:nothing'), 404);
  });
});
