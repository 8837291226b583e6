import fc from 'fast-check';
import { describe as group, expect, it } from 'vitest';
import {
  activationOptions,
  approversOf,
  buildPolicyIndex,
  canDecide,
  effectiveAccess,
  evaluateActivation,
  hasRole,
  MINUTE_MS,
  settingsFor,
  type PrincipalRef,
  type RequestFact,
  type TenantSnapshot,
} from './index';
import { inWindow, requestStatus } from './time';
import { generateTenant } from './testing/generate';

/**
 * Properties over random tenants (trees, groups, assignments, settings). fast-check
 * drives the seed and the query choices; the generator turns a seed into a tenant.
 */
const NOW = Date.UTC(2025, 0, 15, 9, 0);
const tenantArb = fc
  .record({
    seed: fc.integer(),
    resources: fc.integer({ min: 2, max: 40 }),
    users: fc.integer({ min: 1, max: 12 }),
    groups: fc.integer({ min: 0, max: 4 }),
    schedules: fc.integer({ min: 0, max: 60 }),
    settings: fc.integer({ min: 0, max: 20 }),
  })
  .map((shape) => generateTenant({ ...shape, requests: 10, now: NOW }));
const RUNS = { numRuns: 150 };

group('properties', () => {
  it('an activation never outlives its eligibility nor exceeds its governing maximum', () => {
    fc.assert(
      fc.property(
        tenantArb,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: -10, max: 2000 }),
        fc.integer({ min: -60, max: 600 }),
        (snap, ui, si, dur, startOff) => {
          const index = buildPolicyIndex(snap);
          const user = snap.users[ui % snap.users.length];
          for (const opt of activationOptions(index, user.id, NOW)) {
            const scope = opt.scopes[si % Math.max(1, opt.scopes.length)];
            if (!scope) continue;
            expect(scope.maxDurationMinutes).toBeLessThanOrEqual(scope.settings.activationMaxMinutes);
            const r = evaluateActivation(index, {
              userId: user.id,
              eligibilityId: opt.eligibility.id,
              scopeId: scope.scopeId,
              startAt: NOW + startOff * MINUTE_MS,
              durationMinutes: dur,
              justification: 'j',
              ticketNumber: 't',
              ticketSystem: 's',
              mfaVerifiedAt: NOW,
              now: NOW,
            });
            if (!r.ok) continue;
            const e = opt.eligibility;
            const eligEnd = e.endAt === null ? Infinity : Math.min(e.endAt, e.revokedAt ?? Infinity);
            expect(r.outcome.endAt).toBeLessThanOrEqual(eligEnd);
            expect(r.outcome.startAt).toBeGreaterThanOrEqual(e.startAt);
            expect(r.outcome.endAt - r.outcome.startAt).toBeLessThanOrEqual(
              settingsFor(index, scope.scopeId, opt.roleId).settings.activationMaxMinutes * MINUTE_MS,
            );
            expect(r.settings).toBe(settingsFor(index, scope.scopeId, opt.roleId).settings);
          }
        },
      ),
      RUNS,
    );
  });

  it('effective access at a resource is the union over its ancestors (brute force)', () => {
    fc.assert(
      fc.property(tenantArb, fc.nat(), fc.nat(), fc.integer({ min: -300, max: 300 }), (snap, pi, ri, dayOff) => {
        const index = buildPolicyIndex(snap);
        const at = NOW + dayOff * 86_400_000;
        const principals: PrincipalRef[] = [
          ...snap.users.map((u) => ({ type: 'User' as const, id: u.id })),
          ...snap.groups.map((g) => ({ type: 'Group' as const, id: g.id })),
        ];
        const p = principals[pi % principals.length];
        const res = snap.resources[ri % snap.resources.length];
        const ancestors = new Set<string>();
        for (let id: string | null = res.id; id; id = snap.resources.find((r) => r.id === id)!.parentId) ancestors.add(id);
        const user = p.type === 'User' ? snap.users.find((u) => u.id === p.id)! : null;
        const myGroups = new Set(snap.groups.filter((g) => p.type === 'User' && g.memberIds.includes(p.id)).map((g) => g.id));
        const expected = (kind: string) =>
          user?.disabled
            ? []
            : snap.schedules
                .filter(
                  (s) =>
                    s.kind === kind &&
                    ancestors.has(s.scopeId) &&
                    inWindow(s, at) &&
                    ((s.principal.type === p.type && s.principal.id === p.id) ||
                      (s.principal.type === 'Group' && myGroups.has(s.principal.id))),
                )
                .map((s) => s.id)
                .sort();
        const got = effectiveAccess(index, p, res.id, at);
        expect(got.active.map((e) => e.schedule.id).sort()).toEqual(expected('active'));
        expect(got.eligible.map((e) => e.schedule.id).sort()).toEqual(expected('eligible'));
        for (const roleId of new Set(snap.roles.map((r) => r.id))) {
          expect(hasRole(index, p, roleId, res.id, at)).toBe(got.active.some((e) => e.roleId === roleId));
        }
      }),
      RUNS,
    );
  });

  it('requests of any status (denied, canceled, timed out, pending…) never yield access', () => {
    fc.assert(
      fc.property(tenantArb, (snap) => {
        const without: TenantSnapshot = { ...snap, requests: [] };
        const a = buildPolicyIndex(snap);
        const b = buildPolicyIndex(without);
        for (const r of snap.requests) {
          for (const at of [r.startAt, r.startAt + 1_800_000, NOW]) {
            expect(hasRole(a, r.principal, r.roleId, r.scopeId, at)).toBe(hasRole(b, r.principal, r.roleId, r.scopeId, at));
            expect(effectiveAccess(a, r.principal, r.scopeId, at)).toEqual(effectiveAccess(b, r.principal, r.scopeId, at));
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a requester is never an approver of their own request', () => {
    fc.assert(
      fc.property(tenantArb, fc.nat(), fc.integer({ min: -2, max: 30 }), (snap, ui, hours) => {
        const index = buildPolicyIndex(snap);
        const at = NOW + hours * 3_600_000;
        for (const r of snap.requests) {
          const req: RequestFact = { ...r, approvers: ui % 2 ? [...r.approvers, { type: 'User', id: r.requesterId }] : r.approvers };
          expect(canDecide(index, req.requesterId, req, at).allowed).toBe(false);
          if (req.principal.type === 'User') expect(canDecide(index, req.principal.id, req, at).allowed).toBe(false);
          expect(approversOf(index, req, req.requesterId)).not.toContain(req.requesterId);
          for (const id of approversOf(index, req, req.requesterId)) {
            expect(canDecide(index, id, req, at).allowed).toBe(requestStatus(req, at) === 'PendingApproval');
          }
        }
        const user = snap.users[ui % snap.users.length];
        for (const opt of activationOptions(index, user.id, NOW)) {
          for (const s of opt.scopes) {
            if (s.outcome.kind === 'approval') expect(s.outcome.approverUserIds).not.toContain(user.id);
          }
        }
      }),
      RUNS,
    );
  });
});
