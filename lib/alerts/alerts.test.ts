import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { users } from '@/db/schema';
import { ROLE_IDS } from '@/lib/policy';
import { alertsFor } from '.';

let t: ReturnType<typeof freshDb>;
beforeEach(() => { t = freshDb(); });
afterEach(() => t.close());

describe('alerts', () => {
  it('Steve sees the permanent UAA and the weaker children of Owner on the subscription, each with a fix link; Jen sees none', () => {
    const list = alertsFor(t.db, t.ids.steve, t.now);
    const perm = list.find((a) => a.alert.type === 'permanent-privileged-active')!;
    expect(perm.title).toMatch(/User Access Administrator held as a permanent active assignment on Tenant › Blue Widget Co/);
    expect(perm.fixHref).toContain('/admin/scope?id=');
    const weak = list.find((a) => a.alert.type === 'weaker-child-settings' && a.alert.scopeId === DEMO_SUBSCRIPTION.toLowerCase())!;
    expect(weak.alert.roleId).toBe(ROLE_IDS.owner);
    expect(weak.detail.join(' ')).toMatch(/approval is not required on .*finance-dev/);
    expect(weak.fixHref).toContain('tab=settings');
    expect(alertsFor(t.db, t.ids.jen, t.now)).toEqual([]);
    expect(t.db.select().from(users).where(eq(users.id, t.ids.jen)).get()).toBeTruthy();
  });
});
