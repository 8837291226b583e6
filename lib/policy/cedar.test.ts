import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe as group, expect, it } from 'vitest';
import { buildPolicyIndex, hasRole, type PrincipalRef } from './index';
import { encodeTenant, requestFor } from './testing/cedar';
import { generateTenant, prng } from './testing/generate';

/**
 * Differential test: Cedar, given the tree as entity parents, groups as user parents and
 * one permit per active assignment, must agree with hasRole on every query.
 */
const NOW = Date.UTC(2025, 0, 15, 9, 0);
const TENANTS = 25;
const QUERIES_PER_TENANT = 420; // 10,500 in all

group('Cedar differential', () => {
  it(`hasRole agrees with Cedar on ${TENANTS * QUERIES_PER_TENANT} random queries`, () => {
    let compared = 0;
    let allowed = 0;
    let bucketed = 0;
    for (let t = 0; t < TENANTS; t++) {
      // every fifth tenant is dense (few scopes, many assignments) so principals with many
      // grants of one role (keyed by scope) are compared too, not only the plain scan
      const dense = t % 5 === 0;
      const snap = generateTenant({
        seed: 1000 + t,
        resources: dense ? 6 : 20 + t * 8,
        users: 10 + t,
        groups: 1 + (t % 5),
        schedules: dense ? 250 : 30 + t * 6,
        settings: 0,
        now: NOW,
        customRoles: dense ? 0 : 4,
      });
      const index = buildPolicyIndex(snap, dense ? { scanMax: 2 } : {});
      if (dense) {
        // principals whose grants of a role are also keyed by scope (more than a scan's worth)
        const entries = [...index.grants.users.values(), ...index.grants.groups.values()];
        bucketed += entries.filter((e) => [...e.roles.values()].some((rg) => rg.byNode !== undefined)).length;
      }
      const enc = encodeTenant(snap);
      const psetId = `diff-${t}`;
      const parsed = cedar.preparsePolicySet(psetId, { staticPolicies: enc.policies });
      expect(parsed.type).toBe('success');
      const rnd = prng(t);
      const principals: PrincipalRef[] = [
        ...snap.users.map((u) => ({ type: 'User' as const, id: u.id })),
        ...snap.groups.map((g) => ({ type: 'Group' as const, id: g.id })),
      ];
      const active = snap.schedules.filter((s) => s.kind === 'active');
      for (let i = 0; i < QUERIES_PER_TENANT; i++) {
        // half the queries aim at an existing assignment so "allow" is well represented
        const near = active.length > 0 && rnd() < 0.5 ? active[Math.floor(rnd() * active.length)] : null;
        const principal = near && rnd() < 0.7 ? near.principal : principals[Math.floor(rnd() * principals.length)];
        const roleId = near ? near.roleId : snap.roles[Math.floor(rnd() * snap.roles.length)].id;
        const resourceId = near && rnd() < 0.5 ? near.scopeId : snap.resources[Math.floor(rnd() * snap.resources.length)].id;
        const at =
          near && rnd() < 0.3
            ? [near.startAt - 1, near.startAt, near.endAt ?? NOW, (near.endAt ?? NOW) - 1, near.revokedAt ?? NOW][Math.floor(rnd() * 5)]
            : NOW + Math.floor((rnd() - 0.5) * 400 * 86_400_000);
        const answer = cedar.statefulIsAuthorized({
          ...requestFor(enc, { principal, roleId, resourceId, at }),
          preparsedPolicySetId: psetId,
        });
        if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
        const mine = hasRole(index, principal, roleId, resourceId, at);
        if ((answer.response.decision === 'allow') !== mine) {
          throw new Error(`disagree: ${JSON.stringify({ t, principal, roleId, resourceId, at, cedar: answer.response.decision, mine })}`);
        }
        compared++;
        if (mine) allowed++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(10_000);
    // make sure the comparison is not vacuous
    expect(allowed).toBeGreaterThan(compared * 0.1);
    expect(bucketed).toBeGreaterThan(0);
  }, 120_000); // ~5 s on an idle 2-core machine; generous for a shared one
});
