import { describe as group, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildPolicyIndex,
  BWC,
  blueWidgetCo,
  desiredState,
  hasRole,
  loginFor,
  planReconcile,
  ROLE_IDS,
  type ScheduleFact,
  type TenantSnapshot,
} from './index';

const NOW = Date.UTC(2025, 0, 15, 9, 0);
const HOUR_MS = 3_600_000;
const { users: U } = BWC;
const devDb = `${BWC.rg('finance-dev')}/providers/microsoft.dbforpostgresql/flexibleservers/finance-dev-db`;

function tenant(extra: Partial<ScheduleFact>[] = [], mutate?: (s: TenantSnapshot) => void) {
  const snap = blueWidgetCo(NOW);
  snap.resources.push({ id: devDb, parentId: BWC.rg('finance-dev'), kind: 'resource', name: 'finance-dev-db', managed: true });
  extra.forEach((x, i) =>
    snap.schedules.push({
      id: `x${i}`,
      kind: 'active',
      principal: { type: 'User', id: U.sam },
      roleId: ROLE_IDS.contributor,
      scopeId: BWC.rg('finance-dev'),
      startAt: NOW - HOUR_MS,
      endAt: NOW + HOUR_MS,
      revokedAt: null,
      origin: 'activated',
      linkedEligibilityId: null,
      ...x,
    }),
  );
  mutate?.(snap);
  return buildPolicyIndex(snap);
}

const binding = {
  id: 'b1',
  scopeId: devDb,
  roles: new Map([
    [ROLE_IDS.contributor, 'finance_dev_writers'],
    [ROLE_IDS.reader, 'finance_dev_readers'],
  ]),
};

group('desired state of a binding', () => {
  it('Sam activates Contributor on finance-dev: the database below it grants writers until the activation ends', () => {
    const d = desiredState(tenant([{}]), binding, NOW);
    expect(d.grants).toEqual([
      expect.objectContaining({ userId: U.sam, target: 'finance_dev_readers' }),
      expect.objectContaining({ userId: U.sam, target: 'finance_dev_writers', until: NOW + HOUR_MS }),
    ]);
    // the next change is the activation's end (Sam's Reader assignment ends later)
    expect(d.nextChangeAt).toBe(NOW + HOUR_MS);
  });

  it.each([
    ['an eligibility grants nothing until activated', [{ kind: 'eligible' as const }], []],
    ['an ended activation grants nothing', [{ endAt: NOW }], []],
    ['a revoked (deactivated) activation grants nothing', [{ revokedAt: NOW - 1 }], []],
    ['access held below the bound resource does not reach it', [{ scopeId: `${devDb}/databases/app` }], []],
    ['access at an ancestor (the subscription) reaches it', [{ scopeId: BWC.subscription }], ['finance_dev_writers']],
    ['access on a sibling resource group does not', [{ scopeId: BWC.rg('finance-prod') }], []],
  ])('%s', (_label, extra, writers) => {
    const d = desiredState(tenant(extra), binding, NOW);
    expect(d.grants.filter((g) => g.target === 'finance_dev_writers').map((g) => g.target)).toEqual(writers);
  });

  it('a future activation is not granted yet, and its start is the next change', () => {
    const d = desiredState(tenant([{ startAt: NOW + 10 * 60_000 }]), binding, NOW);
    expect(d.grants.some((g) => g.target === 'finance_dev_writers')).toBe(false);
    expect(d.nextChangeAt).toBe(NOW + 10 * 60_000);
  });

  it('a group assignment grants each enabled member, not disabled ones', () => {
    const idx = tenant([{ principal: { type: 'Group', id: 'g-dba' } }], (s) => {
      s.groups.push({ id: 'g-dba', name: 'DBAs', memberIds: [U.jen, U.avery] });
      s.users.find((u) => u.id === U.avery)!.disabled = true;
    });
    const writers = desiredState(idx, binding, NOW).grants.filter((g) => g.target === 'finance_dev_writers');
    expect(writers.map((g) => [g.userId, g.sources[0].groupId])).toEqual([[U.jen, 'g-dba']]);
  });

  it('a resource not in the tree grants nothing and says so', () => {
    expect(desiredState(tenant([{}]), { ...binding, scopeId: '/subscriptions/none' }, NOW)).toEqual({
      resourceKnown: false,
      grants: [],
      nextChangeAt: null,
    });
  });

  it('two sources keep the later end (a permanent one keeps it forever)', () => {
    const d = desiredState(tenant([{}, { id: 'y', scopeId: BWC.subscription, endAt: null, origin: 'assigned' }]), binding, NOW);
    expect(d.grants.find((g) => g.target === 'finance_dev_writers')?.until).toBeNull();
  });

  it('agrees with hasRole for every user, role and instant (property)', () => {
    const users = Object.values(U);
    const arb = fc.array(
      fc.record({
        user: fc.constantFrom(...users),
        role: fc.constantFrom(ROLE_IDS.contributor, ROLE_IDS.reader, ROLE_IDS.owner),
        scope: fc.constantFrom(BWC.root, BWC.subscription, BWC.rg('finance-dev'), BWC.rg('finance-prod'), devDb),
        start: fc.integer({ min: -3, max: 3 }),
        len: fc.integer({ min: 1, max: 4 }),
        revoked: fc.option(fc.integer({ min: -3, max: 3 })),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: -4, max: 5 }), (rows, t) => {
        const idx = tenant(
          rows.map((r) => ({
            principal: { type: 'User' as const, id: r.user },
            roleId: r.role,
            scopeId: r.scope,
            startAt: NOW + r.start * HOUR_MS,
            endAt: NOW + (r.start + r.len) * HOUR_MS,
            revokedAt: r.revoked === null ? null : NOW + r.revoked * HOUR_MS,
          })),
        );
        const at = NOW + t * HOUR_MS;
        const got = new Set(desiredState(idx, binding, at).grants.map((g) => `${g.target}|${g.userId}`));
        for (const u of users) {
          for (const [roleId, target] of binding.roles) {
            expect(got.has(`${target}|${u}`)).toBe(hasRole(idx, { type: 'User', id: u }, roleId, devDb, at));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

group('login rule', () => {
  it.each([
    ['email-local-part', 'Sam.Smith@BlueWidget.test', 'sam.smith'],
    ['email', 'Sam.Smith@BlueWidget.test', 'sam.smith@bluewidget.test'],
    ['user-id', 'x@y', 'u1'],
    ['email-local-part', '', null],
    ['email-local-part', '@nolocal', null],
  ] as const)('%s of %s → %s', (rule, email, login) => {
    expect(loginFor(rule, { id: 'u1', email })).toBe(login);
  });
});

group('reconcile plan', () => {
  const desired = [
    { userId: 'u-sam', target: 'writers', until: NOW + HOUR_MS, sources: [] },
    { userId: 'u-nomail', target: 'writers', until: null, sources: [] },
  ];
  const logins = new Map<string, string | null>([
    ['u-sam', 'sam'],
    ['u-nomail', null],
  ]);

  it("grants what is desired and not yet Elevate's, revokes Elevate's own that ended, lists unmapped users", () => {
    const plan = planReconcile({ desired, logins, applied: [{ target: 'writers', login: 'old', state: 'granted' }], mode: 'report' });
    expect(plan.grant.map((g) => g.login)).toEqual(['sam']);
    expect(plan.revoke).toEqual([{ target: 'writers', login: 'old' }]);
    expect(plan.unmapped).toEqual(['u-nomail']);
    expect(plan.drift).toEqual([]);
  });

  it('a grant interrupted before it was confirmed is granted again; a confirmed one is not', () => {
    expect(
      planReconcile({ desired, logins, applied: [{ target: 'writers', login: 'sam', state: 'granting' }], mode: 'report' }).grant,
    ).toHaveLength(1);
    expect(
      planReconcile({ desired, logins, applied: [{ target: 'writers', login: 'sam', state: 'granted' }], mode: 'report' }).grant,
    ).toHaveLength(0);
  });

  it('on a full pass: a member Elevate did not grant is drift, revoked only under enforce; one removed by hand is granted again', () => {
    const actual = new Map([['writers', new Set(['mallory'])]]);
    const applied = [{ target: 'writers', login: 'sam', state: 'granted' as const }];
    const report = planReconcile({ desired, logins, applied, actual, mode: 'report' });
    expect(report.drift).toEqual([{ target: 'writers', login: 'mallory' }]);
    expect(report.revokeDrift).toEqual([]);
    expect(report.grant.map((g) => g.login)).toEqual(['sam']);
    expect(planReconcile({ desired, logins, applied, actual, mode: 'enforce' }).revokeDrift).toEqual([
      { target: 'writers', login: 'mallory' },
    ]);
  });

  it('a membership Elevate is revoking is not drift', () => {
    const plan = planReconcile({
      desired: [],
      logins,
      applied: [{ target: 'writers', login: 'sam', state: 'revoking' }],
      actual: new Map([['writers', new Set(['sam'])]]),
      mode: 'enforce',
    });
    expect(plan.drift).toEqual([]);
    expect(plan.revoke).toEqual([{ target: 'writers', login: 'sam' }]);
  });
});
