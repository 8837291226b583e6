import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { apiTokens, assignmentSchedules, auditEvents, eligibilitySchedules, requests, users } from '@/db/schema';
import { ROLE_IDS, hasRole } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { checkSession, startSession } from '@/lib/auth/sessions';
import { authenticateToken } from '@/lib/tokens/tokens';
import { generateToken } from '@/lib/tokens/format';
import { RG, HOUR, DAY } from '@/lib/activation/test-support';
import { setMembership } from '@/lib/groups';
import { scimTenant } from './test-support';

// the administrator groups come from ELEVATE_OIDC_ADMIN_GROUPS; here, from the test
const seams = vi.hoisted(() => ({ adminGroups: [] as string[] }));
vi.mock('@/lib/config', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/config')>();
  return { ...real, config: () => ({ ...real.config(), oidc: { adminGroups: seams.adminGroups } }) };
});

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIMITS = { idleMs: HOUR, maxAgeMs: 12 * HOUR };

let t: ReturnType<typeof scimTenant>;
beforeEach(() => {
  t = scimTenant();
  seams.adminGroups = [];
});
afterEach(() => t.close());

async function provision(userName: string): Promise<string> {
  const id = (await t.call('POST', '/Users', { schemas: [CORE], userName, displayName: userName.split('@')[0] })).body.id as string;
  // as if first sign-in through single sign-on had finished
  t.db.update(users).set({ mustEnrolMfa: false }).where(eq(users.id, id)).run();
  return id;
}

function schedule(
  kind: 'eligible' | 'active',
  principal: { type: 'User' | 'Group'; id: string },
  roleId: string,
  scopeId: string,
  extra: Record<string, unknown> = {},
) {
  const id = crypto.randomUUID();
  const now = t.clock.now;
  const base = {
    id,
    principalType: principal.type,
    principalId: principal.id,
    roleId,
    scopeId,
    startAt: now - HOUR,
    endAt: now + 30 * DAY,
    createdAt: now,
    updatedAt: now,
  };
  if (kind === 'eligible') t.db.insert(eligibilitySchedules).values(base).run();
  else
    t.db
      .insert(assignmentSchedules)
      .values({ ...base, origin: 'assigned', ...extra })
      .run();
  return id;
}

function activation(userId: string, eligibilityId: string, scopeId: string) {
  return schedule('active', { type: 'User', id: userId }, ROLE_IDS.owner, scopeId, {
    origin: 'activated',
    linkedEligibilityId: eligibilityId,
    endAt: t.clock.now + 2 * HOUR,
  });
}

function pendingRequest(userId: string, eligibilityId: string, scopeId: string) {
  const id = crypto.randomUUID();
  t.db
    .insert(requests)
    .values({
      id,
      kind: 'assignment',
      requestType: 'SelfActivate',
      status: 'PendingApproval',
      requesterId: userId,
      principalType: 'User',
      principalId: userId,
      roleId: ROLE_IDS.owner,
      scopeId,
      startAt: t.clock.now,
      durationMinutes: 60,
      approvalRequired: true,
      approvalDeadline: t.clock.now + DAY,
      linkedEligibilityId: eligibilityId,
      createdAt: t.clock.now,
    })
    .run();
  return id;
}

const audit = (principalId: string) =>
  t.db
    .select()
    .from(auditEvents)
    .all()
    .filter((e) => e.principalId === principalId);

describe('deprovisioning', () => {
  it('active: false ends sessions, API tokens, live activations and pending requests at once, each audited with the client', async () => {
    const jo = await provision('jo@contoso.test');
    const u = t.db.select().from(users).where(eq(users.id, jo)).get()!;
    const sid = startSession(t.db, u, { ip: '10.0.0.1', userAgent: 'test' }, t.clock.now);
    const claim = { sid, sub: jo, sv: u.sessionVersion };
    const { token, hash, prefix } = generateToken();
    t.db
      .insert(apiTokens)
      .values({
        id: crypto.randomUUID(),
        userId: jo,
        name: 'ci',
        tokenHash: hash,
        prefix,
        createdAt: t.clock.now,
        expiresAt: t.clock.now + 30 * DAY,
      })
      .run();
    const elig = schedule('eligible', { type: 'User', id: jo }, ROLE_IDS.owner, RG('finance-test'));
    const act = activation(jo, elig, RG('finance-test'));
    const req = pendingRequest(jo, elig, RG('finance-prod'));
    t.clock.now += 60_000;
    expect(checkSession(t.db, claim, t.clock.now, LIMITS)).not.toBeNull();
    expect(authenticateToken(t.db, token, t.clock.now)).not.toBeNull();
    expect(hasRole(policyIndex(t.db), { type: 'User', id: jo }, ROLE_IDS.owner, RG('finance-test'), t.clock.now)).toBe(true);

    const r = await t.call('PATCH', `/Users/${jo}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(r.status).toBe(200);

    expect(checkSession(t.db, claim, t.clock.now, LIMITS)).toBeNull();
    expect(authenticateToken(t.db, token, t.clock.now)).toBeNull();
    expect(t.db.select().from(apiTokens).where(eq(apiTokens.userId, jo)).get()!.revokedAt).toBe(t.clock.now);
    expect(t.db.select().from(assignmentSchedules).where(eq(assignmentSchedules.id, act)).get()!.revokedAt).toBe(t.clock.now);
    expect(t.db.select().from(requests).where(eq(requests.id, req)).get()).toMatchObject({ status: 'Canceled', canceledAt: t.clock.now });
    expect(hasRole(policyIndex(t.db), { type: 'User', id: jo }, ROLE_IDS.owner, RG('finance-test'), t.clock.now)).toBe(false);
    const events = audit(jo).map((e) => ({ action: e.action, actor: e.actorName, actorId: e.actorId, requestId: e.requestId }));
    const client = 'SCIM client "Entra ID"';
    expect(events).toEqual(
      expect.arrayContaining([
        { action: 'User disabled by provisioning', actor: client, actorId: null, requestId: null },
        { action: 'API tokens revoked by provisioning', actor: client, actorId: null, requestId: null },
        { action: 'Activation revoked by provisioning', actor: client, actorId: null, requestId: null },
        { action: 'Request canceled by provisioning', actor: client, actorId: null, requestId: req },
        { action: 'Access ended by provisioning', actor: client, actorId: null, requestId: null },
      ]),
    );
    // reactivating gives back what the user's assignments give, but no ended session, token or activation
    await t.call('PATCH', `/Users/${jo}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] });
    expect(authenticateToken(t.db, token, t.clock.now)).toBeNull();
    expect(checkSession(t.db, claim, t.clock.now, LIMITS)).toBeNull();
    expect(hasRole(policyIndex(t.db), { type: 'User', id: jo }, ROLE_IDS.owner, RG('finance-test'), t.clock.now)).toBe(false);
  });

  it('DELETE does the same and takes the user out of every group', async () => {
    const jo = await provision('jo@contoso.test');
    const gid = (await t.call('POST', '/Groups', { schemas: [GROUP], displayName: 'Ops', members: [{ value: jo }] })).body.id as string;
    const elig = schedule('eligible', { type: 'User', id: jo }, ROLE_IDS.owner, RG('finance-test'));
    const act = activation(jo, elig, RG('finance-test'));
    expect((await t.call('DELETE', `/Users/${jo}`)).status).toBe(204);
    expect(t.db.select().from(assignmentSchedules).where(eq(assignmentSchedules.id, act)).get()!.revokedAt).toBe(t.clock.now);
    expect((await t.call('GET', `/Groups/${gid}`)).body.members).toEqual([]);
    expect(t.db.select().from(users).where(eq(users.id, jo)).get()).toMatchObject({ disabled: true, externalId: null });
    expect(audit(jo).map((e) => e.action)).toContain('User deleted by provisioning');
  });
});

describe('group membership', () => {
  it('removing a member ends the access that came through the group at once', async () => {
    const jo = await provision('jo@contoso.test');
    const gid = (await t.call('POST', '/Groups', { schemas: [GROUP], displayName: 'Finance admins', members: [{ value: jo }] })).body
      .id as string;
    const group = { type: 'Group' as const, id: gid };
    schedule('active', group, ROLE_IDS.reader, RG('finance-dev'));
    const elig = schedule('eligible', group, ROLE_IDS.owner, RG('finance-test'));
    const act = activation(jo, elig, RG('finance-test'));
    const req = pendingRequest(jo, elig, RG('finance-prod'));
    // an activation from the user's own eligibility is not the group's to end
    const ownElig = schedule('eligible', { type: 'User', id: jo }, ROLE_IDS.owner, RG('finance-dev'));
    const own = activation(jo, ownElig, RG('finance-dev'));
    const me = { type: 'User' as const, id: jo };
    expect(hasRole(policyIndex(t.db), me, ROLE_IDS.reader, RG('finance-dev'), t.clock.now)).toBe(true);
    expect(hasRole(policyIndex(t.db), me, ROLE_IDS.owner, RG('finance-test'), t.clock.now)).toBe(true);

    const r = await t.call('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH],
      Operations: [{ op: 'remove', path: `members[value eq "${jo}"]` }],
    });
    expect(r.status).toBe(204);
    const index = policyIndex(t.db);
    expect(hasRole(index, me, ROLE_IDS.reader, RG('finance-dev'), t.clock.now)).toBe(false);
    expect(hasRole(index, me, ROLE_IDS.owner, RG('finance-test'), t.clock.now)).toBe(false);
    expect(hasRole(index, me, ROLE_IDS.owner, RG('finance-dev'), t.clock.now)).toBe(true);
    expect(t.db.select().from(assignmentSchedules).where(eq(assignmentSchedules.id, act)).get()!.revokedAt).toBe(t.clock.now);
    expect(t.db.select().from(assignmentSchedules).where(eq(assignmentSchedules.id, own)).get()!.revokedAt).toBeNull();
    expect(t.db.select().from(requests).where(eq(requests.id, req)).get()!.status).toBe('Canceled');
    const removed = audit(jo).find((e) => e.action === 'Group member removed by provisioning')!;
    expect(JSON.parse(removed.details)).toMatchObject({ group: 'Finance admins', activationsRevoked: [act], requestsCanceled: [req] });
  });

  it('an administrator removing the member in the portal ends the same access, audited as theirs', async () => {
    const jo = await provision('jo@contoso.test');
    const gid = (await t.call('POST', '/Groups', { schemas: [GROUP], displayName: 'Finance admins', members: [{ value: jo }] })).body
      .id as string;
    const elig = schedule('eligible', { type: 'Group', id: gid }, ROLE_IDS.owner, RG('finance-test'));
    const act = activation(jo, elig, RG('finance-test'));
    const req = pendingRequest(jo, elig, RG('finance-prod'));
    const me = { type: 'User' as const, id: jo };
    expect(hasRole(policyIndex(t.db), me, ROLE_IDS.owner, RG('finance-test'), t.clock.now)).toBe(true);

    setMembership(t.db, t.steve, { groupId: gid, userId: jo, member: false, justification: 'Moved to another team' }, t.clock.now);
    expect(hasRole(policyIndex(t.db), me, ROLE_IDS.owner, RG('finance-test'), t.clock.now)).toBe(false);
    expect(t.db.select().from(assignmentSchedules).where(eq(assignmentSchedules.id, act)).get()!.revokedAt).toBe(t.clock.now);
    expect(t.db.select().from(requests).where(eq(requests.id, req)).get()!.status).toBe('Canceled');
    const revoked = audit(jo).find((e) => e.action === 'Activation revoked')!;
    expect(revoked.actorName).toBe(t.steve.displayName);
    expect(JSON.parse(revoked.details)).toMatchObject({
      scheduleId: act,
      reason: 'left the group the eligibility came through',
      group: 'Finance admins',
    });
  });
});

describe('tenant PIM administrators', () => {
  it('come only from membership in a configured administrator group, and only for provisioned users', async () => {
    seams.adminGroups = ['elevate admins', 'b1e5-object-id', ' Promoted '];
    const jo = await provision('jo@contoso.test');
    const isAdmin = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!.isPimAdmin;
    // nothing in the user resource makes an administrator
    await t.call('PATCH', `/Users/${jo}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'add', path: 'roles', value: [{ value: 'PIM Administrator', primary: 'True' }] },
        { op: 'replace', path: 'userType', value: 'Admin' },
      ],
    });
    expect(isAdmin(jo)).toBe(false);

    const admins = (await t.call('POST', '/Groups', { schemas: [GROUP], displayName: 'Elevate Admins' })).body.id as string;
    const byId = (await t.call('POST', '/Groups', { schemas: [GROUP], displayName: 'Other name', externalId: 'B1E5-object-id' })).body
      .id as string;
    await t.call('PATCH', `/Groups/${admins}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: jo }] }] });
    expect(isAdmin(jo)).toBe(true);
    expect(policyIndex(t.db).users.get(jo)!.isPimAdmin).toBe(true);
    await t.call('PATCH', `/Groups/${byId}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: jo }] }] });
    // leaving one administrator group while another still holds them keeps them administrator
    await t.call('PATCH', `/Groups/${admins}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${jo}"]` }] });
    expect(isAdmin(jo)).toBe(true);
    await t.call('PATCH', `/Groups/${byId}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: 'members', value: [{ value: jo }] }] });
    expect(isAdmin(jo)).toBe(false);
    expect(policyIndex(t.db).users.get(jo)!.isPimAdmin).toBe(false);
    // renaming a group into an administrator group makes its members administrators
    const plain = (await t.call('POST', '/Groups', { schemas: [GROUP], displayName: 'Plain', members: [{ value: jo }] })).body.id as string;
    expect(isAdmin(jo)).toBe(false);
    await t.call('PATCH', `/Groups/${plain}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'displayName', value: 'PROMOTED' }],
    });
    expect(isAdmin(jo)).toBe(true);
    const actions = audit(jo)
      .map((e) => e.action)
      .filter((a) => a.startsWith('PIM administrator'));
    expect(actions).toEqual([
      'PIM administrator granted by provisioning',
      'PIM administrator removed by provisioning',
      'PIM administrator granted by provisioning',
    ]);

    // a local account can be neither added to a provisioned group nor demoted by one
    const r = await t.call('PATCH', `/Groups/${admins}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: t.ids.jen }] }],
    });
    expect(r.status).toBe(400);
    expect(isAdmin(t.ids.jen)).toBe(false);
    expect(isAdmin(t.ids.steve)).toBe(true);
  });
});
