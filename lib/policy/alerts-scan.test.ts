import { describe, expect, it } from 'vitest';
import {
  alerts,
  buildPolicyIndex,
  compareSettings,
  DEFAULT_SETTINGS,
  demandsLess,
  weakerChildren,
  weakerThanAncestors,
  type Alert,
  type PolicyIndex,
} from '.';
import { generateTenant, prng, randomSettings } from './testing/generate';
import { ALERT_SEVERITY, localAlertsAt, orderedAlerts, scanAlerts, scanValidUntil, WEAKER_EXAMPLES } from './alerts-scan';

const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);

const keyOf = (a: Alert) => `${a.type}|${a.scopeId}|${a.roleId}`;
const principalsOf = (a: Alert) => (a.principals ?? []).map((p) => `${p.type}:${p.id}`).sort();

function tenant(seed: number): PolicyIndex {
  return buildPolicyIndex(
    generateTenant({ resources: 3000, users: 200, groups: 20, schedules: 4000, settings: 800, seed, now: NOW, managedRatio: 0.7 }),
  );
}

describe('alerts in one walk', () => {
  for (const seed of [1, 2, 3]) {
    it(`finds exactly the alerts of the per-scope computation (seed ${seed})`, () => {
      const index = tenant(seed);
      const fresh = alerts(index, NOW);
      const scan = scanAlerts(index, NOW);
      const scanned = orderedAlerts(scan);
      expect(scanned.map(keyOf).sort()).toEqual(fresh.map(keyOf).sort());
      expect(fresh.some((a) => a.type === 'weaker-child-settings')).toBe(true);
      const byKey = new Map(fresh.map((a) => [keyOf(a), a]));
      for (const a of scanned) {
        const f = byKey.get(keyOf(a))!;
        expect(principalsOf(a)).toEqual(principalsOf(f));
        if (a.type !== 'weaker-child-settings') continue;
        // weaker children: the full count, and the first few of the same children with the same reasons
        expect(a.weakerCount).toBe(f.weakerChildren!.length);
        expect(a.weakerChildren!.length).toBe(Math.min(WEAKER_EXAMPLES, f.weakerChildren!.length));
        const all = new Map(f.weakerChildren!.map((w) => [w.scopeId, w]));
        for (const w of a.weakerChildren!) expect(w).toEqual(all.get(w.scopeId));
      }
    });
  }

  it("keeps each scope's own alerts apart, so one scope can be looked at again alone; worst first", () => {
    const index = tenant(4);
    const scan = scanAlerts(index, NOW);
    expect(scan.local.size).toBeGreaterThan(10);
    for (const node of index.resources.values()) {
      const again = localAlertsAt(index, node.id, NOW);
      expect(again.alerts.map(keyOf)).toEqual((scan.local.get(node.id)?.alerts ?? []).map(keyOf));
    }
    const ordered = orderedAlerts(scan);
    const firstMedium = ordered.findIndex((a) => ALERT_SEVERITY[a.type] === 'medium');
    expect(ordered.slice(firstMedium).every((a) => ALERT_SEVERITY[a.type] === 'medium')).toBe(true);
    expect(firstMedium).toBeGreaterThan(0);
  });

  it('says until when it holds: the alerts do not change before validUntil', () => {
    const index = tenant(5);
    const scan = scanAlerts(index, NOW);
    const until = scanValidUntil(scan);
    expect(until).toBeGreaterThan(NOW);
    expect(Number.isFinite(until)).toBe(true);
    const justBefore = alerts(index, until - 1);
    expect(justBefore.map(keyOf).sort()).toEqual(orderedAlerts(scan).map(keyOf).sort());
  });
});

describe('weaker than the ancestors, per row', () => {
  it('the quick test agrees with the reasons, for any two settings', () => {
    const rnd = prng(9);
    const users = [{ id: 'u', displayName: 'U', isPimAdmin: false, disabled: false }];
    for (let i = 0; i < 5000; i++) {
      const a = randomSettings(rnd, users, []);
      const b = randomSettings(rnd, users, []);
      expect(demandsLess(a, b)).toBe(compareSettings(a, b, 'p', 'c', 'r').length > 0);
    }
    expect(demandsLess(DEFAULT_SETTINGS, DEFAULT_SETTINGS)).toBe(false);
  });

  it('marks a scope exactly when it is a weaker child of an ancestor with explicit settings', () => {
    const index = tenant(6);
    const expected = new Map<string, number>();
    for (const node of index.resources.values()) {
      for (const roleId of node.settings?.keys() ?? []) {
        for (const w of weakerChildren(index, node.id, roleId)) expected.set(w.scopeId, (expected.get(w.scopeId) ?? 0) + w.reasons.length);
      }
    }
    let marked = 0;
    for (const node of index.resources.values()) {
      const reasons = weakerThanAncestors(node);
      expect(reasons.length).toBe(expected.get(node.id) ?? 0);
      if (reasons.length) marked++;
    }
    expect(marked).toBeGreaterThan(10);
  });
});
