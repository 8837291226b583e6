import fc from 'fast-check';
import { describe as group, expect, it } from 'vitest';
import {
  activationEndWithin,
  blueWidgetCo,
  buildPolicyIndex,
  BWC,
  DAY_MS,
  DEFAULT_SETTINGS,
  defaultSettingsFor,
  describe,
  effectiveEnd,
  evaluateActivation,
  evaluateAdminRequest,
  evaluateSelfRequest,
  MINUTE_MS,
  ROLE_IDS,
  settingsFor,
  type AdminRequestInput,
  type AdminRequestType,
  type Millis,
  type NameLookup,
  type PrincipalRef,
  type RoleSettings,
  type ScheduleFact,
  type TenantSnapshot,
  type Violation,
} from './index';
import { evaluateSettingsChange, weakenedSettings, type SettingsChangeInput } from './separation';

/** Rule 10 (DESIGN.md, ADR 090): nobody grants access to themselves or weakens settings where they hold the role. */

const NOW = Date.UTC(2025, 0, 15, 9, 0);
const HOUR = 3_600_000;
const { users: U, schedules: S } = BWC;
const me = (id: string): PrincipalRef => ({ type: 'User', id });
const OPS: PrincipalRef = { type: 'Group', id: 'group-ops' };
const prod = BWC.rg('finance-prod');

/** Jen's activations of her eligible Owner: 2 h on finance-prod (approved by Avery), 1 h on finance-test. */
const activation = (id: string, scopeId: string, hours: number): ScheduleFact => ({
  id,
  kind: 'active',
  principal: me(U.jen),
  roleId: ROLE_IDS.owner,
  scopeId,
  startAt: NOW,
  endAt: NOW + hours * HOUR,
  revokedAt: null,
  origin: 'activated',
  linkedEligibilityId: S.jenOwnerEligible,
});
function tenant(edit: (s: TenantSnapshot) => void = () => {}) {
  const s = blueWidgetCo(NOW);
  s.groups.push({ id: OPS.id, name: 'Finance ops', memberIds: [U.jen, U.sam] });
  s.schedules.push(activation('jen-prod', prod, 2), activation('jen-test', BWC.rg('finance-test'), 1));
  edit(s);
  return buildPolicyIndex(s);
}
const names: NameLookup = {
  scope: (id) => id.split('/').pop()!,
  role: (id) =>
    ({
      [ROLE_IDS.owner]: 'Owner',
      [ROLE_IDS.reader]: 'Reader',
      [ROLE_IDS.userAccessAdministrator]: 'User Access Administrator',
      [ROLE_IDS.contributor]: 'Contributor',
    })[id] ?? id,
  principal: (p) => ({ [U.steve]: 'Steve', [U.jen]: 'Jen', [U.avery]: 'Avery', [U.sam]: 'Sam', [OPS.id]: 'Finance ops' })[p.id] ?? p.id,
};

const admin = (input: Partial<AdminRequestInput>, idx = tenant()) => {
  const r = evaluateAdminRequest(idx, {
    actorId: U.jen,
    requestType: 'AdminAssign',
    kind: 'active',
    principal: me(U.sam),
    roleId: ROLE_IDS.reader,
    scopeId: prod,
    startAt: NOW,
    endAt: NOW + 30 * DAY_MS,
    justification: 'j',
    now: NOW,
    ...input,
  });
  return r.ok ? [] : r.violations;
};
const codes = (vs: Violation[]) => vs.map((v) => v.code);

group('rule 10: no admin request for oneself', () => {
  it('Jen, an Owner of finance-prod by activation, cannot stretch her own activation nor assign herself; she may assign Sam', () => {
    expect(codes(admin({}))).toEqual([]);
    const update = admin({
      requestType: 'AdminUpdate',
      principal: me(U.jen),
      roleId: ROLE_IDS.owner,
      targetScheduleId: 'jen-prod',
      endAt: NOW + 180 * DAY_MS,
    });
    expect(codes(update)).toEqual(['self-grant', 'activation-not-extendable']);
    const vm2 = BWC.vm('finance-test', 2);
    const assign = admin({ principal: me(U.jen), roleId: ROLE_IDS.owner, scopeId: vm2, endAt: NOW + 180 * DAY_MS });
    expect(codes(assign)).toEqual(['self-grant']);
    expect(describe(assign[0], names)).toBe(
      'You cannot grant access for yourself (Owner on finance-test-vm2); another administrator of finance-test-vm2, such as Steve, can',
    );
    expect(describe(update[1], names)).toBe(
      'An activation of Owner on finance-prod cannot be changed: whoever holds it activates again instead (at most 8 h at a time there)',
    );
  });

  it('every request type but removal, eligible or active', () => {
    const idx = tenant((s) =>
      s.schedules.push({
        ...activation('jen-reader', prod, 24 * 20),
        id: 'jen-reader',
        origin: 'assigned',
        roleId: ROLE_IDS.reader,
        linkedEligibilityId: null,
        endAt: NOW + 10 * DAY_MS,
      }),
    );
    const mine = { principal: me(U.jen), targetScheduleId: 'jen-reader' };
    expect(codes(admin({ ...mine, kind: 'eligible', targetScheduleId: undefined }, idx))).toEqual(['self-grant']);
    expect(codes(admin({ ...mine, requestType: 'AdminUpdate' }, idx))).toEqual(['self-grant']);
    expect(codes(admin({ ...mine, requestType: 'AdminExtend', startAt: NOW, endAt: NOW + 60 * DAY_MS }, idx))).toEqual(['self-grant']);
    expect(codes(admin({ ...mine, requestType: 'AdminRemove' }, idx))).toEqual([]);
    // the same extension by Steve is fine
    expect(codes(admin({ ...mine, actorId: U.steve, requestType: 'AdminExtend', startAt: NOW, endAt: NOW + 60 * DAY_MS }, idx))).toEqual(
      [],
    );
  });

  it('through a group: the members are refused, and not named as the ones who can', () => {
    const idx = tenant((s) =>
      s.schedules.push({
        ...activation('sam-uaa', BWC.subscription, 8),
        principal: me(U.sam),
        roleId: ROLE_IDS.userAccessAdministrator,
        origin: 'assigned',
        linkedEligibilityId: null,
      }),
    );
    const v = admin({ actorId: U.sam, principal: OPS, kind: 'eligible', roleId: ROLE_IDS.owner }, idx);
    expect(v).toMatchObject([{ code: 'self-grant', groupId: OPS.id, alternatives: [me(U.steve)] }]);
    expect(describe(v[0], names)).toBe(
      'You cannot grant access for group Finance ops, which you are a member of (Owner on finance-prod); ' +
        'another administrator of finance-prod, such as Steve, can',
    );
    // Steve is not in the group: he may
    expect(codes(admin({ actorId: U.steve, principal: OPS, kind: 'eligible', roleId: ROLE_IDS.owner }, idx))).toEqual([]);
  });

  it('tenant PIM administrators are not exempt; the refusal names another administrator, or says there is none', () => {
    const v = admin({ actorId: U.steve, principal: me(U.steve), roleId: ROLE_IDS.owner });
    expect(v).toMatchObject([{ code: 'self-grant', alternatives: [me(U.jen)] }]);
    expect(describe(v[0], names)).toMatch(/such as Jen, can$/);
    const alone = admin({ actorId: U.steve, principal: me(U.steve), roleId: ROLE_IDS.owner }, buildPolicyIndex(blueWidgetCo(NOW)));
    expect(describe(alone[0], names)).toBe(
      'You cannot grant access for yourself (Owner on finance-prod); nobody else has PIM management access on finance-prod yet: ' +
        'a tenant PIM administrator can give someone else that access',
    );
    // removing his own User Access Administrator stays allowed
    expect(
      codes(
        admin({
          actorId: U.steve,
          requestType: 'AdminRemove',
          principal: me(U.steve),
          roleId: ROLE_IDS.userAccessAdministrator,
          scopeId: BWC.subscription,
          targetScheduleId: S.steveUaaActive,
        }),
      ),
    ).toEqual([]);
  });
});

const OWNER_DEFAULTS = defaultSettingsFor(ROLE_IDS.owner);
const approval: RoleSettings = { ...OWNER_DEFAULTS, approvalRequired: true, approvers: [me(U.avery)] };
const change = (input: Partial<SettingsChangeInput>, idx = tenant()) => {
  const r = evaluateSettingsChange(idx, { actorId: U.jen, scopeId: prod, roleId: ROLE_IDS.owner, settings: approval, now: NOW, ...input });
  return r.ok ? [] : r.violations;
};

group('rule 10: no weakening of settings where one holds the role', () => {
  it('weakenedSettings: what demands less of the person activating', () => {
    expect(weakenedSettings(approval, approval)).toEqual([]);
    expect(
      weakenedSettings(approval, { ...approval, approvalRequired: false, activationRequireMfa: false, activationMaxMinutes: 1440 }),
    ).toEqual(['approvalRequired', 'activationRequireMfa', 'activationMaxMinutes']);
    expect(weakenedSettings(approval, { ...approval, approvers: [me(U.avery), me(U.sam)] })).toEqual(['approvers']);
    expect(weakenedSettings(approval, { ...approval, approvers: [] })).toEqual(['approvers']);
    expect(weakenedSettings({ ...approval, approvers: [me(U.avery), me(U.sam)] }, approval)).toEqual([]);
    expect(weakenedSettings(DEFAULT_SETTINGS, { ...approval, activeRequireMfa: true })).toEqual([]);
    expect(
      weakenedSettings({ ...DEFAULT_SETTINGS, activeRequireMfa: true }, { ...DEFAULT_SETTINGS, activeRequireJustification: false }),
    ).toEqual(['activeRequireMfa', 'activeRequireJustification']);
    // turning approval on with anyone as approver is stronger than no approval
    expect(weakenedSettings(DEFAULT_SETTINGS, { ...DEFAULT_SETTINGS, approvalRequired: true, approvers: [me(U.jen)] })).toEqual([]);
  });

  const jenCannotWeaken =
    'Jen, eligible for Owner on the subscription, cannot turn off approval for Owner on finance-prod; ' +
    'stronger settings and other roles are hers to change';
  it(jenCannotWeaken, () => {
    const v = change({ settings: { ...approval, approvalRequired: false } });
    expect(v).toMatchObject([
      {
        code: 'weakens-own-settings',
        scopeId: prod,
        heldScopeId: BWC.subscription,
        weakened: ['approvalRequired'],
        alternatives: [me(U.steve)],
      },
    ]);
    expect(describe(v[0], names)).toBe(
      'You are eligible for Owner on 5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55, so you cannot turn off approval for Owner on finance-prod; ' +
        'another administrator of finance-prod, such as Steve, can',
    );
    expect(codes(change({ settings: { ...approval, approvers: [me(U.avery), me(U.sam)] } }))).toEqual(['weakens-own-settings']);
    expect(codes(change({ settings: { ...approval, activationMaxMinutes: 60 } }))).toEqual([]);
    expect(codes(change({ settings: { ...approval, approvers: [] }, scopeId: BWC.rg('finance-dev') }))).toEqual(['not-authorized']);
    expect(codes(change({ roleId: ROLE_IDS.reader, settings: { ...DEFAULT_SETTINGS, activationRequireMfa: false } }))).toEqual([]);
  });

  const steveCannotWeaken =
    'Steve (PIM administrator, User Access Administrator on the subscription) cannot weaken User Access Administrator below it; ' +
    'Owner is his to change';
  it(steveCannotWeaken, () => {
    const v = change(
      {
        actorId: U.steve,
        roleId: ROLE_IDS.userAccessAdministrator,
        scopeId: BWC.rg('finance-dev'),
        settings: { ...defaultSettingsFor(ROLE_IDS.userAccessAdministrator), activationRequireMfa: false },
      },
      buildPolicyIndex(blueWidgetCo(NOW)),
    );
    expect(v).toMatchObject([{ code: 'weakens-own-settings', value: 'active', weakened: ['activationRequireMfa'], alternatives: [] }]);
    expect(describe(v[0], names)).toMatch(
      new RegExp(
        '^You hold User Access Administrator on .*, so you cannot stop requiring MFA on activation for User Access Administrator on finance-dev; ' +
          'nobody else has PIM management access on finance-dev yet',
      ),
    );
    expect(codes(change({ actorId: U.steve, settings: { ...approval, approvalRequired: false } }))).toEqual([]);
  });

  it('through a group, and on child scopes when the settings are applied to them', () => {
    const samUaa: ScheduleFact = {
      ...activation('sam-uaa', BWC.subscription, 8),
      principal: me(U.sam),
      roleId: ROLE_IDS.userAccessAdministrator,
      origin: 'assigned',
      linkedEligibilityId: null,
    };
    const opsOwner: ScheduleFact = {
      ...activation('ops-owner', BWC.rg('finance-test'), 0),
      kind: 'eligible',
      principal: OPS,
      origin: 'assigned',
      linkedEligibilityId: null,
      endAt: NOW + 30 * DAY_MS,
    };
    const idx = tenant((s) => s.schedules.push(samUaa, opsOwner));
    const weak = { ...OWNER_DEFAULTS, activationRequireJustification: false };
    expect(change({ actorId: U.sam, scopeId: BWC.rg('finance-test'), settings: weak }, idx)).toMatchObject([
      { code: 'weakens-own-settings', groupId: OPS.id, heldScopeId: BWC.rg('finance-test') },
    ]);
    // saved on the subscription, where Sam holds no Owner: fine alone, refused when written down to finance-test and its VMs
    expect(
      codes(change({ actorId: U.sam, scopeId: BWC.subscription, settings: { ...approval, activationRequireJustification: false } }, idx)),
    ).toEqual([]);
    expect(codes(change({ actorId: U.sam, scopeId: BWC.rg('finance-dev'), settings: weak, applyToChildren: true }, idx))).toEqual([]);
    const v = change(
      {
        actorId: U.sam,
        scopeId: BWC.subscription,
        settings: { ...approval, activationRequireJustification: false },
        applyToChildren: true,
      },
      idx,
    );
    expect(v.map((x) => [x.code, x.scopeId, x.parentScopeId, x.count])).toEqual([
      ['weakens-own-settings', BWC.rg('finance-test'), BWC.subscription, 3],
    ]);
    expect(describe(v[0], names)).toMatch(
      /cannot stop requiring a justification on activation for Owner on 3 scopes below 5e1f.* \(such as finance-test\); another administrator of 5e1f/,
    );
  });
});

/**
 * The property: any sequence of admin requests, activations, self extend/renew requests and
 * settings changes by random people over Blue Widget Co (plus a group Jen and Sam are in),
 * applied as the services apply what the engine accepts. Nobody ever receives access from a
 * request of their own (or widens it), nobody weakens settings where they hold the role,
 * and no activation exceeds the maximum it was made under or outlives its eligibility.
 * The checks are brute force over the snapshot, independent of the engine's indexes.
 */
group('property: separation of duties and rule 4 over any sequence of requests', () => {
  const PEOPLE = [U.steve, U.jen, U.avery, U.sam];
  const ROLES = [ROLE_IDS.owner, ROLE_IDS.userAccessAdministrator, ROLE_IDS.contributor, ROLE_IDS.reader];
  const ADMIN_CHANGES: AdminRequestType[] = ['AdminUpdate', 'AdminExtend', 'AdminRenew', 'AdminRemove'];

  const step = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        t: fc.constant('admin' as const),
        actor: fc.nat(),
        change: fc.nat(),
        kind: fc.boolean(),
        who: fc.nat(),
        role: fc.nat(),
        scope: fc.nat(),
        target: fc.nat(),
        days: fc.integer({ min: 0, max: 400 }),
        permanent: fc.integer({ min: 0, max: 9 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        t: fc.constant('activate' as const),
        user: fc.nat(),
        elig: fc.nat(),
        scope: fc.nat(),
        minutes: fc.integer({ min: 1, max: 700 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('self' as const),
        user: fc.nat(),
        renew: fc.boolean(),
        target: fc.nat(),
        days: fc.integer({ min: 0, max: 400 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('settings' as const),
        actor: fc.nat(),
        scope: fc.nat(),
        role: fc.nat(),
        mutation: fc.nat(),
        children: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('wait' as const), hours: fc.integer({ min: 0, max: 24 * 20 }) }) },
  );
  /** Steve, the one administrator at the start, acts more often than the others */
  const ACTORS = [U.steve, U.steve, U.jen, U.avery, U.sam];

  const weaker = (a: RoleSettings, b: RoleSettings) =>
    (a.approvalRequired && !b.approvalRequired) ||
    (a.approvalRequired &&
      b.approvalRequired &&
      ((b.approvers.length === 0 && a.approvers.length > 0) ||
        b.approvers.some((x) => !a.approvers.some((y) => y.type === x.type && y.id === x.id)))) ||
    (
      [
        'activationRequireMfa',
        'activationRequireJustification',
        'activationRequireTicket',
        'activeRequireMfa',
        'activeRequireJustification',
      ] as const
    ).some((k) => a[k] && !b[k]) ||
    b.activationMaxMinutes > a.activationMaxMinutes;

  it('holds', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 50 }), (steps) => {
        const snap = blueWidgetCo(NOW);
        snap.groups.push({ id: OPS.id, name: 'Finance ops', memberIds: [U.jen, U.sam] });
        const scopes = snap.resources.map((r) => r.id);
        const parent = new Map(snap.resources.map((r) => [r.id, r.parentId]));
        const ancestorsOf = (id: string) => {
          const out: string[] = [];
          for (let x: string | null = id; x; x = parent.get(x) ?? null) out.push(x);
          return out;
        };
        const reaches = (p: PrincipalRef, userId: string) =>
          p.type === 'User' ? p.id === userId : snap.groups.some((g) => g.id === p.id && g.memberIds.includes(userId));
        const live = (x: ScheduleFact, at: Millis) => !(x.revokedAt !== null && x.revokedAt <= at) && !(x.endAt !== null && x.endAt <= at);
        const holdsAtOrAbove = (userId: string, roleId: string, scopeId: string, at: Millis) => {
          const up = new Set(ancestorsOf(scopeId));
          return snap.schedules.some((x) => x.roleId === roleId && up.has(x.scopeId) && live(x, at) && reaches(x.principal, userId));
        };
        const made = new Map<string, { startAt: Millis; endAt: Millis; max: number }>();
        let now = NOW;
        let n = 0;
        const capLinked = (eligibilityId: string, end: Millis | null) => {
          for (const a of snap.schedules)
            if (a.linkedEligibilityId === eligibilityId) {
              const e = activationEndWithin(a, end);
              if (e !== null) a.endAt = e;
            }
        };

        for (const st of steps) {
          const index = buildPolicyIndex(snap);
          if (st.t === 'wait') now += st.hours * HOUR;
          else if (st.t === 'admin') {
            const actor = ACTORS[st.actor % ACTORS.length];
            const pick = st.who % 6;
            const principal: PrincipalRef = pick === 0 ? me(actor) : pick === 1 ? OPS : me(PEOPLE[st.who % PEOPLE.length]);
            // now and then an eligibility whose activations are live is cut short, to within minutes
            const cut =
              st.change % 7 === 1
                ? snap.schedules.filter((e) => snap.schedules.some((a) => a.linkedEligibilityId === e.id && live(a, now)))
                : [];
            const change = st.change % 3 !== 0 && snap.schedules.length > 0;
            const target = cut.length
              ? cut[st.target % cut.length]
              : change
                ? snap.schedules[st.target % snap.schedules.length]
                : undefined;
            const requestType: AdminRequestType = cut.length
              ? 'AdminUpdate'
              : target
                ? ADMIN_CHANGES[st.change % ADMIN_CHANGES.length]
                : 'AdminAssign';
            // minutes to 100 days, sometimes permanent
            const endAt =
              st.permanent === 0 && !cut.length
                ? null
                : now + (cut.length ? ((st.days % 300) + 1) * MINUTE_MS : st.days < 40 ? (st.days + 1) * HOUR : (st.days * DAY_MS) / 4);
            const input: AdminRequestInput = target
              ? {
                  actorId: actor,
                  requestType,
                  kind: target.kind,
                  principal: target.principal,
                  roleId: target.roleId,
                  scopeId: target.scopeId,
                  startAt: requestType === 'AdminExtend' ? target.startAt : now,
                  endAt,
                  targetScheduleId: target.id,
                  justification: 'j',
                  mfaVerifiedAt: now,
                  now,
                }
              : {
                  actorId: actor,
                  requestType,
                  kind: st.kind ? 'eligible' : 'active',
                  principal,
                  roleId: ROLES[st.role % ROLES.length],
                  scopeId: scopes[st.scope % scopes.length],
                  startAt: now,
                  endAt,
                  justification: 'j',
                  mfaVerifiedAt: now,
                  now,
                };
            const r = evaluateAdminRequest(index, input);
            if (!r.ok) continue;
            if (requestType !== 'AdminRemove') {
              // rule 10: the access granted, changed, extended or renewed is never the actor's own
              expect(reaches(input.principal, actor)).toBe(false);
              // rule 4: an activation is never changed by an admin request
              expect(target?.origin).not.toBe('activated');
            }
            if (requestType === 'AdminAssign' || requestType === 'AdminRenew') {
              snap.schedules.push({
                id: `s${n++}`,
                kind: input.kind,
                principal: input.principal,
                roleId: input.roleId,
                scopeId: input.scopeId,
                startAt: input.startAt,
                endAt: input.endAt,
                revokedAt: null,
                origin: 'assigned',
                linkedEligibilityId: null,
              });
            } else if (requestType === 'AdminRemove') {
              target!.revokedAt = now;
              if (target!.kind === 'eligible')
                for (const a of snap.schedules) if (a.linkedEligibilityId === target!.id && a.revokedAt === null) a.revokedAt = now;
            } else {
              Object.assign(target!, { startAt: input.startAt, endAt: input.endAt });
              if (target!.kind === 'eligible') capLinked(target!.id, input.endAt);
            }
          } else if (st.t === 'activate') {
            const user = PEOPLE[st.user % PEOPLE.length];
            const eligs = snap.schedules.filter((x) => x.kind === 'eligible' && reaches(x.principal, user));
            if (!eligs.length) continue;
            const elig = eligs[st.elig % eligs.length];
            const below = scopes.filter((id) => ancestorsOf(id).includes(elig.scopeId));
            const scopeId = below[st.scope % below.length];
            const r = evaluateActivation(index, {
              userId: user,
              eligibilityId: elig.id,
              scopeId,
              startAt: now,
              durationMinutes: st.minutes,
              justification: 'j',
              ticketNumber: 't',
              ticketSystem: 's',
              mfaVerifiedAt: now,
              now,
            });
            if (!r.ok) continue;
            // approved at once by the first possible approver, never the requester
            if (r.outcome.kind === 'approval') expect(r.outcome.approverUserIds[0]).not.toBe(user);
            const id = `a${n++}`;
            made.set(id, {
              startAt: r.outcome.startAt,
              endAt: r.outcome.endAt,
              max: settingsFor(index, scopeId, elig.roleId).settings.activationMaxMinutes,
            });
            snap.schedules.push({
              id,
              kind: 'active',
              principal: me(user),
              roleId: elig.roleId,
              scopeId,
              startAt: r.outcome.startAt,
              endAt: r.outcome.endAt,
              revokedAt: null,
              origin: 'activated',
              linkedEligibilityId: elig.id,
            });
          } else if (st.t === 'self') {
            const user = PEOPLE[st.user % PEOPLE.length];
            const mine = snap.schedules.filter((x) => x.principal.type === 'User' && x.principal.id === user);
            if (!mine.length) continue;
            const target = mine[st.target % mine.length];
            const endAt = now + (Math.max(1, st.days) * DAY_MS) / 4;
            const r = evaluateSelfRequest(index, {
              userId: user,
              requestType: st.renew ? 'SelfRenew' : 'SelfExtend',
              targetScheduleId: target.id,
              startAt: st.renew ? now : target.startAt,
              endAt,
              justification: 'j',
              now,
            });
            if (!r.ok) continue;
            expect(target.origin).not.toBe('activated');
            expect(r.approverUserIds[0]).not.toBe(user);
            if (st.renew) Object.assign(target, { startAt: now, endAt, revokedAt: null });
            else target.endAt = endAt;
            if (target.kind === 'eligible') capLinked(target.id, endAt);
          } else {
            const actor = ACTORS[st.actor % ACTORS.length];
            const scopeId = scopes[st.scope % scopes.length];
            const roleId = ROLES[st.role % ROLES.length];
            const current = settingsFor(index, scopeId, roleId).settings;
            const next: RoleSettings = [
              { ...current, approvalRequired: false },
              { ...current, approvers: [...current.approvers, me(U.sam)] },
              { ...current, activationRequireMfa: false },
              { ...current, activationMaxMinutes: 1440 },
              { ...current, approvalRequired: true, approvers: [me(U.avery)], activationMaxMinutes: 60 },
              { ...current, activationRequireJustification: false, activeRequireMfa: !current.activeRequireMfa },
            ][st.mutation % 6];
            const r = evaluateSettingsChange(index, { actorId: actor, scopeId, roleId, settings: next, applyToChildren: st.children, now });
            if (!r.ok) continue;
            const written = st.children ? scopes.filter((id) => ancestorsOf(id).includes(scopeId)) : [scopeId];
            for (const id of written) {
              // rule 10: nowhere the actor holds the role (there or above) do the settings demand less than before
              if (holdsAtOrAbove(actor, roleId, id, now))
                expect(weaker(settingsFor(index, id, roleId).settings, next), `${actor} ${id}`).toBe(false);
              snap.settings = snap.settings.filter((x) => !(x.scopeId === id && x.roleId === roleId));
              snap.settings.push({ scopeId: id, roleId, settings: next });
            }
          }
          // rule 4 after every step: each activation within the maximum it was made under, never past its eligibility
          for (const a of snap.schedules) {
            if (a.origin !== 'activated') continue;
            const m = made.get(a.id)!;
            expect(a.startAt).toBe(m.startAt);
            expect(a.endAt!).toBeLessThanOrEqual(m.endAt);
            expect(a.endAt! - a.startAt).toBeLessThanOrEqual(m.max * MINUTE_MS);
            const e = snap.schedules.find((x) => x.id === a.linkedEligibilityId)!;
            const eEnd = effectiveEnd(e);
            if (eEnd !== null) expect(effectiveEnd(a)!).toBeLessThanOrEqual(eEnd);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
