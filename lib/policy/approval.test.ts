import { describe as group, expect, it } from 'vitest';
import {
  blueWidgetCo,
  buildPolicyIndex,
  BWC,
  canDecide,
  DEFAULT_SETTINGS,
  defaultSettingsFor,
  describe,
  decisionNeedsMfa,
  MFA_FRESHNESS_MINUTES,
  MINUTE_MS,
  ROLE_IDS,
  settingsFor,
  validateSettings,
  type DecisionProof,
  type NameLookup,
  type PrincipalRef,
  type RequestFact,
  type RoleSettings,
  type ScheduleFact,
  type TenantSnapshot,
} from './index';
import { evaluateSettingsChange, selfMembershipViolation, weakenedSettings } from './separation';
import { selfMadeAlerts, type SelfMadeCandidate } from './alerts-scan';

/**
 * Issue #11: "require MFA to approve" (rule 11) and the rest of rule 10 (group membership,
 * self-made assignments from before it), decided by the engine.
 */

const NOW = Date.UTC(2025, 0, 15, 9, 0);
const { users: U } = BWC;
const me = (id: string): PrincipalRef => ({ type: 'User', id });
const OPS: PrincipalRef = { type: 'Group', id: 'group-ops' };
const CUSTOM = 'custom-deployer';
const names: NameLookup = {
  scope: (id) => id.split('/').pop()!,
  role: (id) => ({ [ROLE_IDS.owner]: 'Owner', [ROLE_IDS.reader]: 'Reader' })[id] ?? id,
  principal: (p) => ({ [U.steve]: 'Steve', [U.jen]: 'Jen', [U.avery]: 'Avery', [U.sam]: 'Sam', [OPS.id]: 'Ops' })[p.id] ?? p.id,
};

function tenant(edit: (s: TenantSnapshot) => void = () => {}) {
  const s = blueWidgetCo(NOW);
  s.roles.push({ id: CUSTOM, name: 'Deployer', privileged: true });
  s.groups.push({ id: OPS.id, name: 'Ops', memberIds: [U.jen, U.steve] });
  edit(s);
  return buildPolicyIndex(s);
}

/** Jen's pending activation of Owner on finance-prod (Owner's settings there: approval by Avery, MFA to approve on). */
const req = (over: Partial<RequestFact> = {}): RequestFact => ({
  id: 'r',
  kind: 'assignment',
  requestType: 'SelfActivate',
  status: 'PendingApproval',
  requesterId: U.jen,
  principal: me(U.jen),
  roleId: ROLE_IDS.owner,
  scopeId: BWC.rg('finance-prod'),
  startAt: NOW,
  endAt: NOW + 3_600_000,
  createdAt: NOW,
  approvalDeadline: NOW + 86_400_000,
  approvers: [me(U.avery)],
  linkedEligibilityId: BWC.schedules.jenOwnerEligible,
  targetScheduleId: null,
  ...over,
});

group('the built-in defaults depend on the role for "require MFA to approve"', () => {
  it.each([
    ['Owner', ROLE_IDS.owner, true],
    ['User Access Administrator', ROLE_IDS.userAccessAdministrator, true],
    ['Contributor', ROLE_IDS.contributor, false],
    ['Reader', ROLE_IDS.reader, false],
    ['a custom role', CUSTOM, false],
  ])('%s: %s', (_, roleId, on) => {
    const d = defaultSettingsFor(roleId);
    expect(d.approvalRequireMfa).toBe(on);
    // every other default is the same for every role
    expect({ ...d, approvalRequireMfa: false }).toEqual(DEFAULT_SETTINGS);
    expect(Object.isFrozen(d)).toBe(true);
    // a (scope, role) without explicit settings gets its role's defaults, never its parent's
    const g = settingsFor(tenant(), BWC.rg('finance-dev'), roleId);
    expect(g).toMatchObject({ explicit: false, settings: { approvalRequireMfa: on } });
  });

  it('explicit settings say what they say; the setting is range-checked as a boolean', () => {
    const idx = tenant((s) =>
      s.settings.push({
        scopeId: BWC.rg('finance-dev'),
        roleId: ROLE_IDS.reader,
        settings: { ...DEFAULT_SETTINGS, approvalRequireMfa: true },
      }),
    );
    expect(settingsFor(idx, BWC.rg('finance-dev'), ROLE_IDS.reader).settings.approvalRequireMfa).toBe(true);
    expect(settingsFor(idx, BWC.rg('finance-prod'), ROLE_IDS.owner).settings.approvalRequireMfa).toBe(true);
    expect(validateSettings({ ...DEFAULT_SETTINGS, approvalRequireMfa: 'yes' as unknown as boolean })).toEqual([
      { setting: 'approvalRequireMfa', code: 'invalid', value: 'yes' },
    ]);
  });
});

group("canDecide with the approver's MFA moment (rule 11)", () => {
  const idx = tenant();
  const fresh = NOW - 2 * MINUTE_MS;
  const stale = NOW - (MFA_FRESHNESS_MINUTES + 1) * MINUTE_MS;
  const future = NOW + 30 * MINUTE_MS;
  type Row = [string, Partial<RequestFact>, DecisionProof, boolean];
  const table: Row[] = [
    ['approve, MFA to approve on, no MFA moment', {}, { decision: 'Approve', mfaVerifiedAt: null }, false],
    ['approve, MFA to approve on, a fresh moment', {}, { decision: 'Approve', mfaVerifiedAt: fresh }, true],
    [
      "approve, MFA to approve on, a moment exactly at the window's edge",
      {},
      { decision: 'Approve', mfaVerifiedAt: NOW - MFA_FRESHNESS_MINUTES * MINUTE_MS },
      true,
    ],
    ['approve, MFA to approve on, a stale moment', {}, { decision: 'Approve', mfaVerifiedAt: stale }, false],
    ['approve, MFA to approve on, a moment from the future', {}, { decision: 'Approve', mfaVerifiedAt: future }, false],
    ['approve, a longer step-up window the caller asks for', {}, { decision: 'Approve', mfaVerifiedAt: stale, stepUpMinutes: 60 }, true],
    ['approve, a shorter one', {}, { decision: 'Approve', mfaVerifiedAt: fresh, stepUpMinutes: 1 }, false],
    ['deny, MFA to approve on, no MFA moment: denying takes nothing away', {}, { decision: 'Deny', mfaVerifiedAt: null }, true],
    ['approve, captured at submission as off', { approvalRequireMfa: false }, { decision: 'Approve', mfaVerifiedAt: null }, true],
    [
      'approve, captured as on where the settings are now off (Reader)',
      { roleId: ROLE_IDS.reader, approvalRequireMfa: true },
      { decision: 'Approve', mfaVerifiedAt: null },
      false,
    ],
    [
      'approve, Reader, not captured: its defaults (off) decide',
      { roleId: ROLE_IDS.reader },
      { decision: 'Approve', mfaVerifiedAt: null },
      true,
    ],
  ];
  it.each(table)('%s', (_, over, proof, allowed) => {
    const d = canDecide(idx, U.avery, req(over), NOW, proof);
    expect(d.allowed).toBe(allowed);
    if (allowed) expect(d.violations).toEqual([]);
    else {
      expect(d.violations).toEqual([
        {
          code: 'approval-mfa-required',
          requestId: 'r',
          scopeId: req(over).scopeId,
          roleId: req(over).roleId,
          setting: 'approvalRequireMfa',
          value: proof.mfaVerifiedAt,
          limit: proof.stepUpMinutes ?? MFA_FRESHNESS_MINUTES,
        },
      ]);
      // still an approver: only the MFA moment is missing
      expect(d.reasons.map((r) => r.code)).toEqual(['named-approver']);
    }
  });

  it('without a proof it answers "is this an approver" and says whether approving will ask for MFA', () => {
    expect(canDecide(idx, U.avery, req(), NOW)).toMatchObject({ allowed: true, violations: [], mfaRequired: true });
    expect(canDecide(idx, U.avery, req({ approvalRequireMfa: false }), NOW)).toMatchObject({ allowed: true, mfaRequired: false });
  });

  it('who may decide comes first: no MFA violation for someone who could not decide anyway', () => {
    const d = canDecide(idx, U.sam, req(), NOW, { decision: 'Approve', mfaVerifiedAt: null });
    expect(d).toMatchObject({ allowed: false, violations: [] });
    expect(d.reasons.map((r) => r.code)).toEqual(['not-an-approver']);
    expect(canDecide(idx, U.jen, req(), NOW, { decision: 'Approve', mfaVerifiedAt: fresh }).reasons.map((r) => r.code)).toContain(
      'requester-cannot-approve',
    );
  });

  it("decisionNeedsMfa: captured at submission, else the current settings of the request's (scope, role)", () => {
    expect(decisionNeedsMfa(idx, req())).toBe(true); // explicit Owner settings on finance-prod
    expect(decisionNeedsMfa(idx, req({ scopeId: BWC.rg('finance-dev') }))).toBe(true); // Owner's defaults
    expect(decisionNeedsMfa(idx, req({ roleId: ROLE_IDS.contributor }))).toBe(false);
    const off = tenant((s) => {
      s.settings[1].settings = { ...s.settings[1].settings, approvalRequireMfa: false };
    });
    expect(decisionNeedsMfa(off, req())).toBe(false);
    expect(decisionNeedsMfa(off, req({ approvalRequireMfa: true }))).toBe(true);
  });

  it('says what to do', () => {
    const [v] = canDecide(idx, U.avery, req(), NOW, { decision: 'Approve', mfaVerifiedAt: null }).violations;
    expect(describe(v, names)).toBe(
      'Owner on finance-prod requires MFA to approve: confirm with a code from your authenticator app (MFA counts for 10 minutes)',
    );
  });
});

group('turning "require MFA to approve" off is a weakening (rule 10)', () => {
  const owner: RoleSettings = { ...defaultSettingsFor(ROLE_IDS.owner), approvalRequired: true, approvers: [me(U.avery)] };
  it('weakenedSettings', () => {
    expect(weakenedSettings(owner, { ...owner, approvalRequireMfa: false })).toEqual(['approvalRequireMfa']);
    expect(weakenedSettings({ ...owner, approvalRequireMfa: false }, owner)).toEqual([]);
    // the defaults of Owner demand it: explicit Owner settings copied from the role-independent defaults weaken them
    expect(weakenedSettings(defaultSettingsFor(ROLE_IDS.owner), { ...DEFAULT_SETTINGS })).toEqual(['approvalRequireMfa']);
    expect(weakenedSettings(defaultSettingsFor(ROLE_IDS.reader), { ...DEFAULT_SETTINGS })).toEqual([]);
  });

  it('Jen (eligible Owner on the subscription) cannot turn it off for Owner on finance-prod; Steve can', () => {
    const idx = tenant((s) =>
      s.schedules.push({
        id: 'jen-uaa',
        kind: 'active',
        principal: me(U.jen),
        roleId: ROLE_IDS.userAccessAdministrator,
        scopeId: BWC.rg('finance-prod'),
        startAt: NOW - 60_000,
        endAt: NOW + 3_600_000,
        revokedAt: null,
        origin: 'assigned',
        linkedEligibilityId: null,
      }),
    );
    const change = (actorId: string) =>
      evaluateSettingsChange(idx, {
        actorId,
        scopeId: BWC.rg('finance-prod'),
        roleId: ROLE_IDS.owner,
        settings: { ...owner, approvalRequireMfa: false },
        now: NOW,
      });
    const r = change(U.jen);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations).toMatchObject([
      { code: 'weakens-own-settings', setting: 'approvalRequireMfa', weakened: ['approvalRequireMfa'], alternatives: [me(U.steve)] },
    ]);
    expect(describe(r.violations[0], names)).toBe(
      'You are eligible for Owner on 5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55, so you cannot stop requiring MFA to approve for Owner on finance-prod; ' +
        'another administrator of finance-prod, such as Steve, can',
    );
    expect(change(U.steve).ok).toBe(true);
  });
});

group('adding oneself to a group that holds access (rule 10, "through a group they belong to")', () => {
  const held = (over: Partial<ScheduleFact> = {}): ScheduleFact => ({
    id: 'ops-owner',
    kind: 'eligible',
    principal: OPS,
    roleId: ROLE_IDS.owner,
    scopeId: BWC.rg('finance-prod'),
    startAt: NOW - 60_000,
    endAt: NOW + 30 * 86_400_000,
    revokedAt: null,
    origin: 'assigned',
    linkedEligibilityId: null,
    ...over,
  });
  const ask = (schedules: ScheduleFact[], input: { actorId?: string; userId?: string; member?: boolean } = {}) =>
    selfMembershipViolation(
      tenant((s) => s.schedules.push(...schedules)),
      { actorId: U.steve, groupId: OPS.id, userId: U.steve, member: true, now: NOW, ...input },
    );

  it.each([
    ['an eligible assignment', [held()], true],
    ['an active assignment', [held({ kind: 'active' })], true],
    ['a scheduled one (not started yet)', [held({ startAt: NOW + 86_400_000 })], true],
    ['only an expired one', [held({ endAt: NOW - 1 })], false],
    ['only a removed one', [held({ revokedAt: NOW - 1 })], false],
    ['nothing', [], false],
  ])('Steve adds himself to a group holding %s: refused = %s', (_, schedules, refused) => {
    expect(ask(schedules as ScheduleFact[]) !== null).toBe(refused);
  });

  it('removing oneself, and adding someone else, stay allowed', () => {
    expect(ask([held()], { member: false })).toBeNull();
    expect(ask([held()], { userId: U.sam })).toBeNull();
  });

  it('names the access, how much there is, and who else can', () => {
    const v = ask([held(), held({ id: 'ops-reader', kind: 'active', roleId: ROLE_IDS.reader, scopeId: BWC.subscription })])!;
    // the active one first: that is access at once
    expect(v).toMatchObject({
      code: 'self-membership',
      groupId: OPS.id,
      roleId: ROLE_IDS.reader,
      scopeId: BWC.subscription,
      value: 'active',
      count: 2,
      alternatives: [],
    });
    expect(describe(v, names)).toBe(
      'You cannot add yourself to group Ops: it holds active Reader on 5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55 and 1 more assignment, ' +
        'which would become your own access; only another PIM administrator can add you, and there is none yet',
    );
    const withAvery = selfMembershipViolation(
      tenant((s) => {
        s.schedules.push(held());
        s.users.find((u) => u.id === U.avery)!.isPimAdmin = true;
      }),
      { actorId: U.steve, groupId: OPS.id, userId: U.steve, member: true, now: NOW },
    )!;
    expect(withAvery.alternatives).toEqual([me(U.avery)]);
    expect(describe(withAvery, names)).toMatch(/another PIM administrator, such as Avery, can add you$/);
  });
});

group('assignments admins made for themselves (the self-made alert)', () => {
  const c = (over: Partial<SelfMadeCandidate>): SelfMadeCandidate => ({
    id: 'x',
    kind: 'active',
    principal: me(U.steve),
    roleId: ROLE_IDS.userAccessAdministrator,
    scopeId: BWC.subscription,
    startAt: NOW - 60_000,
    endAt: null,
    revokedAt: null,
    origin: 'assigned',
    linkedEligibilityId: null,
    createdBy: U.steve,
    ...over,
  });
  it('the creator is the principal, or a member (now) of the group that is; one alert per (scope, role), until an assignment behind it ends', () => {
    const idx = tenant();
    const { alerts, until } = selfMadeAlerts(
      idx,
      [
        c({ id: 'steve-uaa' }),
        c({
          id: 'ops-owner',
          kind: 'eligible',
          principal: OPS,
          roleId: ROLE_IDS.owner,
          scopeId: BWC.rg('finance-prod'),
          createdBy: U.jen,
          endAt: NOW + 86_400_000,
        }),
        c({
          id: 'ops-owner-2',
          principal: OPS,
          roleId: ROLE_IDS.owner,
          scopeId: BWC.rg('finance-prod'),
          createdBy: U.steve,
          endAt: NOW + 2 * 86_400_000,
        }),
        // not self-made: Sam is not in Ops; an activation is its holder's own; ended or removed ones hold nothing
        c({ id: 'ops-by-sam', principal: OPS, createdBy: U.sam }),
        c({ id: 'activation', principal: me(U.jen), createdBy: U.jen, origin: 'activated' }),
        c({ id: 'ended', principal: me(U.sam), createdBy: U.sam, endAt: NOW - 1 }),
        c({ id: 'removed', principal: me(U.sam), createdBy: U.sam, revokedAt: NOW - 1 }),
        c({ id: 'steve-for-sam', principal: me(U.sam), createdBy: U.steve }),
      ],
      NOW,
    );
    expect(alerts.map((a) => [a.type, a.scopeId, a.roleId, a.selfMade!.map((m) => m.scheduleId)])).toEqual([
      ['self-made-assignment', BWC.subscription, ROLE_IDS.userAccessAdministrator, ['steve-uaa']],
      ['self-made-assignment', BWC.rg('finance-prod'), ROLE_IDS.owner, ['ops-owner', 'ops-owner-2']],
    ]);
    expect(alerts[1].principals).toEqual([OPS]);
    expect(until).toBe(NOW + 86_400_000);
    // once they end, nothing is left
    expect(selfMadeAlerts(idx, [c({ endAt: NOW + 1 })], NOW + 1).alerts).toEqual([]);
  });
});
