import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import * as s from '@/db/schema';
import { ROLE_IDS } from '@/lib/policy';
import { submitAdminRequest } from '@/lib/assignments';
import { deliveryIdle } from '@/lib/notify/deliver';
import { refused } from '@/lib/activation/test-support';
import { createGroup, setMembership } from '.';

/**
 * Rule 10, "directly or through a group they belong to", on a real database: a group's
 * members receive its assignments, so a PIM administrator may not add themselves to a group
 * that holds eligible or active access. Adding others, and removing oneself, stay allowed.
 */

const DAY = 86_400_000;
let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(async () => {
  await deliveryIdle();
  t.close();
});
const user = (id: string) => t.db.select().from(s.users).where(eq(s.users.id, id)).get()!;
const isMember = (groupId: string, userId: string) =>
  !!t.db
    .select()
    .from(s.groupMembers)
    .where(and(eq(s.groupMembers.groupId, groupId), eq(s.groupMembers.userId, userId)))
    .get();
const finops = () => createGroup(t.db, user(t.ids.steve), { name: 'Finance ops' }, t.now);
const give = (groupId: string, kind: 'eligible' | 'active', roleId: string, scopeId: string, startAt = t.now) =>
  submitAdminRequest(
    t.db,
    user(t.ids.steve),
    {
      requestType: 'AdminAssign',
      kind,
      principal: { type: 'Group', id: groupId },
      roleId,
      scopeId,
      startAt,
      endAt: startAt + 30 * DAY,
      justification: 'Finance close',
    },
    t.now,
  );

describe('adding oneself to a group that holds access', () => {
  it('Steve may not add himself to Finance ops once it is eligible for Owner on finance-prod; nothing is written', () => {
    const g = finops();
    // an empty-handed group: joining it gives nothing
    setMembership(t.db, user(t.ids.steve), { groupId: g.id, userId: t.ids.steve, member: true }, t.now);
    setMembership(t.db, user(t.ids.steve), { groupId: g.id, userId: t.ids.steve, member: false, justification: 'Only testing' }, t.now);
    give(g.id, 'eligible', ROLE_IDS.owner, `${DEMO_SUBSCRIPTION}/resourceGroups/finance-prod`);
    const audits = () => t.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events`)!.n;
    const before = audits();
    const e = refused(() => setMembership(t.db, user(t.ids.steve), { groupId: g.id, userId: t.ids.steve, member: true }, t.now + 1));
    expect(e.code).toBe('PolicyViolation');
    expect(e.message).toBe(
      'You cannot add yourself to group Finance ops: it holds eligible Owner on Tenant › Blue Widget Co › finance-prod, ' +
        'which would become your own access; only another PIM administrator can add you, and there is none yet.',
    );
    expect(e.details).toEqual([expect.objectContaining({ code: 'self-membership', groupId: g.id, value: 'eligible', count: 1 })]);
    expect(isMember(g.id, t.ids.steve)).toBe(false);
    expect(audits()).toBe(before);
  });

  it('active or scheduled access counts too; the refusal names another PIM administrator, who may add him', () => {
    const g = finops();
    give(g.id, 'active', ROLE_IDS.reader, DEMO_SUBSCRIPTION, t.now + 2 * DAY);
    t.db.update(s.users).set({ isPimAdmin: true }).where(eq(s.users.id, t.ids.avery)).run();
    t.db.run(sql`UPDATE tenant_revision SET revision = revision + 1 WHERE id = 1`);
    const e = refused(() => setMembership(t.db, user(t.ids.steve), { groupId: g.id, userId: t.ids.steve, member: true }, t.now));
    expect(e.message).toMatch(
      new RegExp(
        '^You cannot add yourself to group Finance ops: it holds active Reader on Tenant › Blue Widget Co, ' +
          '.*another PIM administrator, such as Avery, can add you\\.$',
      ),
    );
    setMembership(t.db, user(t.ids.avery), { groupId: g.id, userId: t.ids.steve, member: true }, t.now);
    expect(isMember(g.id, t.ids.steve)).toBe(true);
    // leaving stays his own choice
    setMembership(t.db, user(t.ids.steve), { groupId: g.id, userId: t.ids.steve, member: false, justification: 'Not my team' }, t.now);
    expect(isMember(g.id, t.ids.steve)).toBe(false);
  });

  it('adding someone else is still allowed; access that has ended no longer stands in the way', () => {
    const g = finops();
    give(g.id, 'eligible', ROLE_IDS.owner, DEMO_SUBSCRIPTION);
    setMembership(t.db, user(t.ids.steve), { groupId: g.id, userId: t.ids.jen, member: true }, t.now);
    expect(isMember(g.id, t.ids.jen)).toBe(true);
    setMembership(t.db, user(t.ids.steve), { groupId: g.id, userId: t.ids.steve, member: true }, t.now + 31 * DAY);
    expect(isMember(g.id, t.ids.steve)).toBe(true);
  });
});
