import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { users } from '@/db/schema';
import { DAY_MS, managementAccess, ROLE_IDS, type ScheduleFact } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { administeredScopes, isAdministered, withinAdministered } from './administered';
import { addSchedules, loadGenerated } from './test-support';

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());

function addUser(name: string): string {
  const id = crypto.randomUUID();
  const tenantId = t.db.select({ tenantId: users.tenantId }).from(users).limit(1).get()!.tenantId;
  t.sqlite
    .prepare('INSERT INTO users (id, tenant_id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(id, tenantId, `${name}@example.test`, name, 'x', t.now);
  return id;
}

function addGroup(name: string, members: string[]): string {
  const id = crypto.randomUUID();
  const tenantId = t.db.select({ tenantId: users.tenantId }).from(users).limit(1).get()!.tenantId;
  t.sqlite.prepare('INSERT INTO groups (id, tenant_id, name, created_at) VALUES (?, ?, ?, ?)').run(id, tenantId, name, t.now);
  for (const m of members) t.sqlite.prepare('INSERT INTO group_members (group_id, user_id, added_at) VALUES (?, ?, ?)').run(id, m, t.now);
  return id;
}

let n = 0;
const schedule = (
  kind: 'eligible' | 'active',
  principal: ScheduleFact['principal'],
  roleId: string,
  scopeId: string,
  over: Partial<ScheduleFact> = {},
): ScheduleFact => ({
  id: `adm-${n++}`,
  kind,
  principal,
  roleId,
  scopeId,
  startAt: t.now - DAY_MS,
  endAt: t.now + 30 * DAY_MS,
  revokedAt: null,
  origin: 'assigned',
  linkedEligibilityId: null,
  ...over,
});

describe('the scopes a resource administrator manages', () => {
  it('are exactly the subtrees of their active Owner / User Access Administrator assignments, direct or through a group', () => {
    const snap = loadGenerated(t, { resources: 2500, managedRatio: 1 });
    const rita = addUser('Rita');
    const ops = addGroup('Ops', [rita]);
    const subs = snap.resources.filter((r) => r.kind === 'subscription');
    const rgs = snap.resources.filter((r) => r.kind === 'resourceGroup');
    const [a, c, d, e, g] = subs;
    const b = rgs.find((r) => !r.id.startsWith(`${a.id}/`))!;
    const nested = rgs.find((r) => r.id.startsWith(`${a.id}/`))!;
    const me = { type: 'User' as const, id: rita };
    addSchedules(t, [
      schedule('active', me, ROLE_IDS.userAccessAdministrator, a.id, { endAt: null }),
      schedule('active', { type: 'Group', id: ops }, ROLE_IDS.owner, b.id),
      schedule('active', me, ROLE_IDS.owner, nested.id), // under A: adds nothing
      schedule('active', me, ROLE_IDS.userAccessAdministrator, c.id, { endAt: t.now - 1 }), // expired
      schedule('active', me, ROLE_IDS.owner, d.id, { revokedAt: t.now - 1 }), // revoked
      schedule('eligible', me, ROLE_IDS.userAccessAdministrator, e.id), // must activate first
      schedule('active', me, ROLE_IDS.reader, e.id), // not a management role
      schedule('active', me, ROLE_IDS.owner, g.id, { startAt: t.now + DAY_MS }), // not started
    ]);
    const index = policyIndex(t.db);
    const adm = administeredScopes(t.db, index, rita, t.now);
    expect(adm).toEqual({ everywhere: false, roots: [a.id, b.id].sort() });
    // the structural predicate selects exactly where the engine grants management access
    const fromSql = t.db
      .all<{ id: string }>(sql`SELECT r.id AS id FROM resources r WHERE ${withinAdministered(sql`r.id`, adm)!}`)
      .map((r) => r.id)
      .sort();
    const fromEngine = [...index.resources.keys()].filter((id) => managementAccess(index, rita, id, t.now).allowed).sort();
    expect(fromSql).toEqual(fromEngine);
    expect(fromSql.length).toBeGreaterThan(2);
    for (const id of [a.id, nested.id, b.id]) expect(isAdministered(index, adm, id)).toBe(true);
    expect(isAdministered(index, adm, c.id)).toBe(false);
  });

  it('are everything for a PIM administrator and nothing for a disabled or plain user', () => {
    const index = policyIndex(t.db);
    expect(administeredScopes(t.db, index, t.ids.steve, t.now)).toEqual({ everywhere: true });
    expect(administeredScopes(t.db, index, t.ids.jen, t.now)).toEqual({ everywhere: false, roots: [] });
    expect(withinAdministered(sql`r.id`, { everywhere: true })).toBeUndefined();
  });
});
