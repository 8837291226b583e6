import { describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/support/db';
import { policyIndex } from '@/lib/tenant/engine';
import { hasRole, activationScopeOption, ROLE_IDS } from '@/lib/policy';
import { DEMO_SUBSCRIPTION } from './demo';

describe('demo tenant seed', () => {
  it('is the Blue Widget Co story: Steve administers, Jen is eligible, Avery approves, Sam reads finance-dev', () => {
    const t = freshDb();
    const index = policyIndex(t.db);
    const sub = DEMO_SUBSCRIPTION.toLowerCase();
    const prod = `${sub}/resourcegroups/finance-prod`;
    expect(index.resources.size).toBe(1 + 1 + 3 + 6);
    expect(hasRole(index, { type: 'User', id: t.ids.steve }, ROLE_IDS.userAccessAdministrator, prod, t.now + 1)).toBe(true);
    expect(hasRole(index, { type: 'User', id: t.ids.sam }, ROLE_IDS.reader, `${sub}/resourcegroups/finance-dev`, t.now + 1)).toBe(true);
    expect(hasRole(index, { type: 'User', id: t.ids.jen }, ROLE_IDS.owner, prod, t.now + 1)).toBe(false);
    const jenElig = index.schedulesByUser.get(t.ids.jen)!.find((s) => s.kind === 'eligible')!;
    const atProd = activationScopeOption(index, t.ids.jen, jenElig.id, prod, t.now + 1);
    expect(atProd?.outcome.kind).toBe('approval');
    t.close();
  });

  it('seeds only once', async () => {
    const t = freshDb();
    const { seedDemoTenant } = await import('./demo');
    seedDemoTenant(t.db, t.now + 1000, Buffer.alloc(32));
    expect(policyIndex(t.db).users.size).toBe(4);
    t.close();
  });
});
