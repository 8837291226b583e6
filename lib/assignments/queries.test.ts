import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { DAY_MS, ROLE_IDS, type ScheduleFact } from '@/lib/policy';
import { decodeCursor, type Seek } from '@/lib/portal/keyset';
import { addSchedules, loadGenerated } from '@/lib/resources/test-support';
import { assignmentsPage, ASSIGNMENT_KEY_SHAPE, type AssignmentFilters, type AssignmentView } from './queries';

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());

const sub = DEMO_SUBSCRIPTION.toLowerCase();
const financeDev = `${sub}/resourcegroups/finance-dev`;
const vm1 = `${financeDev}/providers/microsoft.compute/virtualmachines/finance-dev-vm1`;

let n = 0;
const sched = (scopeId: string, over: Partial<ScheduleFact> = {}): ScheduleFact => ({
  id: `q-${n++}`,
  kind: 'eligible',
  principal: { type: 'User', id: t.ids.sam },
  roleId: ROLE_IDS.reader,
  scopeId,
  startAt: t.now - DAY_MS - n,
  endAt: t.now + 30 * DAY_MS,
  revokedAt: null,
  origin: 'assigned',
  linkedEligibilityId: null,
  ...over,
});

function all(scopeId: string, filters: AssignmentFilters, size = 20, between?: () => void): AssignmentView[][] {
  const pages: AssignmentView[][] = [];
  let seek: Seek = {};
  for (;;) {
    const p = assignmentsPage(t.db, scopeId, t.now, filters, seek, size);
    pages.push(p.rows);
    if (!p.next) return pages;
    between?.();
    seek = { after: decodeCursor(p.next, ASSIGNMENT_KEY_SHAPE) };
  }
}

describe('assignments at a scope, from SQL', () => {
  it('here: direct first, then inherited from above, newest first; every one exactly once while more are added', () => {
    addSchedules(
      t,
      Array.from({ length: 70 }, () => sched(financeDev)),
    );
    addSchedules(
      t,
      Array.from({ length: 30 }, () => sched(sub, { roleId: ROLE_IDS.contributor })),
    );
    const expected = new Set(
      all(financeDev, { tab: 'eligible' }, 1000)
        .flat()
        .map((r) => r.schedule.id),
    );
    expect(expected.size).toBe(70 + 30 + 2); // + Sam's Contributor here and Jen's Owner on the subscription
    const pages = all(financeDev, { tab: 'eligible' }, 20, () =>
      addSchedules(t, [sched(financeDev, { startAt: t.now }), sched(sub, { startAt: t.now - 400 * DAY_MS })]),
    );
    const seen = pages.flat();
    expect(new Set(seen.map((r) => r.schedule.id)).size).toBe(seen.length);
    for (const id of expected) expect(seen.some((r) => r.schedule.id === id)).toBe(true);
    const firstInherited = seen.findIndex((r) => r.inherited);
    expect(seen.slice(firstInherited).every((r) => r.inherited)).toBe(true);
    expect(seen.filter((r) => r.inherited).every((r) => r.fromScopeId === sub)).toBe(true);
  });

  it('below: made at the scope or anywhere under it, never above; expired ones only where they were made', () => {
    addSchedules(t, [
      sched(vm1),
      sched(vm1, { endAt: t.now - DAY_MS, startAt: t.now - 2 * DAY_MS }),
      sched(sub, { endAt: t.now - DAY_MS, startAt: t.now - 2 * DAY_MS }),
    ]);
    const below = all(financeDev, { tab: 'eligible', where: 'below' }).flat();
    expect(below.map((r) => r.fromScopeId).sort()).toEqual([financeDev, vm1].sort());
    expect(below.find((r) => r.fromScopeId === vm1)).toMatchObject({ below: true, inherited: false });
    expect(
      all(financeDev, { tab: 'expired', where: 'below' })
        .flat()
        .map((r) => r.fromScopeId),
    ).toEqual([vm1]);
    expect(all(financeDev, { tab: 'expired' }).flat()).toEqual([]);
    expect(
      all(vm1, { tab: 'eligible' })
        .flat()
        .every((r) => r.inherited),
    ).toBe(false);
  });

  it('filters by role and by part of the principal name, in SQL', () => {
    const byName = all(financeDev, { tab: 'eligible', q: 'JE' }).flat();
    expect(byName.map((r) => r.principalName)).toEqual(['Jen']);
    expect(all(financeDev, { tab: 'eligible', q: '%' }).flat()).toEqual([]);
    expect(
      all(financeDev, { tab: 'active', roleId: ROLE_IDS.reader })
        .flat()
        .map((r) => r.principalName),
    ).toEqual(['Sam']);
    expect(
      all(financeDev, { tab: 'eligible', roleIds: [ROLE_IDS.owner, ROLE_IDS.userAccessAdministrator] })
        .flat()
        .map((r) => r.roleName),
    ).toEqual(['Owner']);
  });

  it('pages a subscription with thousands of assignments below it', () => {
    const snap = loadGenerated(t, { resources: 2000, schedules: 4000 });
    const s1 = snap.resources.find((r) => r.kind === 'subscription')!.id;
    const live = (s: ScheduleFact) => (s.revokedAt === null || s.revokedAt > t.now) && (s.endAt === null || s.endAt > t.now);
    const expected = snap.schedules
      .filter((s) => s.kind === 'active' && live(s) && (s.scopeId === s1 || s.scopeId.startsWith(`${s1}/`)))
      .map((s) => s.id)
      .sort();
    expect(expected.length).toBeGreaterThan(20);
    const pages = all(s1, { tab: 'active', where: 'below' }, 25);
    expect(pages.every((p) => p.length <= 25)).toBe(true);
    expect(
      pages
        .flat()
        .map((r) => r.schedule.id)
        .sort(),
    ).toEqual(expected);
  });
});
