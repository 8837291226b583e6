import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { auditEvents, resources, users } from '@/db/schema';
import { isManaged } from '@/lib/policy';
import { isElevateError } from '@/lib/errors';
import { policyIndex } from '@/lib/tenant/engine';
import { addResource, discoverPage, enablePim, importResources, searchResources } from '.';

const sub = DEMO_SUBSCRIPTION.toLowerCase();
let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());
const actor = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;
const n = (table: typeof auditEvents | typeof resources) =>
  t.db
    .select({ n: sql<number>`count(*)` })
    .from(table)
    .get()!.n;

describe('enable PIM', () => {
  it('a top-level subscription added by hand is discoverable; enabling PIM manages it and its children, audited', () => {
    const s = addResource(
      t.db,
      actor(t.ids.steve),
      { kind: 'subscription', name: 'Contoso Labs', parentId: null, key: '11111111-2222-3333-4444-555555555555' },
      t.now,
    );
    const rg = addResource(t.db, actor(t.ids.steve), { kind: 'resourceGroup', name: 'labs-rg', parentId: s.id }, t.now);
    expect(discoverPage(t.db).rows.map((r) => r.id)).toContain(s.id);
    expect(isManaged(policyIndex(t.db), rg.id)).toBe(false);
    enablePim(t.db, actor(t.ids.steve), s.id, t.now);
    expect(isManaged(policyIndex(t.db), rg.id)).toBe(true);
    expect(discoverPage(t.db).rows).toHaveLength(0);
    const enabled = t.db
      .select()
      .from(auditEvents)
      .orderBy(sql`seq desc`)
      .get()!;
    expect(enabled.action).toBe('PIM enabled');
    expect(JSON.parse(enabled.details).descendants).toBe(1);
    expect(() => enablePim(t.db, actor(t.ids.steve), rg.id, t.now)).toThrow(/already enabled/);
  });

  it('Jen can neither add a top-level resource nor enable PIM; nothing is written', () => {
    const s = addResource(t.db, actor(t.ids.steve), { kind: 'subscription', name: 'Other', parentId: null }, t.now);
    const before = [n(auditEvents), n(resources)];
    let err: unknown;
    try {
      enablePim(t.db, actor(t.ids.jen), s.id, t.now);
    } catch (e) {
      err = e;
    }
    expect(isElevateError(err) && err.code).toBe('AuthorizationFailed');
    expect(() => addResource(t.db, actor(t.ids.jen), { kind: 'subscription', name: 'Mine', parentId: null }, t.now)).toThrow(
      /PIM administrators/,
    );
    expect(() => addResource(t.db, actor(t.ids.jen), { kind: 'resourceGroup', name: 'x', parentId: sub }, t.now)).toThrow(
      /PIM management access/,
    );
    expect([n(auditEvents), n(resources)]).toEqual(before);
  });

  it('rejects a resource group placed under a management group, field by field', () => {
    let err: unknown;
    try {
      addResource(t.db, actor(t.ids.steve), { kind: 'resourceGroup', name: 'x', parentId: null }, t.now);
    } catch (e) {
      err = e;
    }
    expect(isElevateError(err) && err.fieldErrors?.parentId?.[0]).toMatch(/must sit under a subscription/);
  });
});

describe('import', () => {
  it('imports a plain list with parents in any order and reports what was skipped and why', () => {
    const json = JSON.stringify([
      { id: '/subscriptions/aaaa/resourceGroups/rg1', name: 'rg1', type: 'Microsoft.Resources/resourceGroups' },
      { id: '/subscriptions/aaaa', name: 'Imported sub', type: 'Microsoft.Resources/subscriptions', parentId: null },
      { id: `${DEMO_SUBSCRIPTION}/resourceGroups/finance-dev`, name: 'dup' },
      { id: 'not an id' },
      { id: '/subscriptions/bbbb/resourceGroups/orphan', name: 'orphan' },
      { id: '/subscriptions/aaaa', name: 'twice' },
    ]);
    const report = importResources(t.db, actor(t.ids.steve), json, t.now);
    expect(report.added.map((a) => a.id)).toEqual(['/subscriptions/aaaa', '/subscriptions/aaaa/resourceGroups/rg1']);
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.id, s.reason]));
    expect(reasons[`${DEMO_SUBSCRIPTION}/resourceGroups/finance-dev`]).toBe('Already exists.');
    expect(reasons['not an id']).toMatch(/not a valid resource id/);
    expect(reasons['/subscriptions/bbbb/resourceGroups/orphan']).toMatch(/neither in Elevate nor in the file/);
    expect(report.skipped.find((s) => s.id === '/subscriptions/aaaa')?.reason).toMatch(/more than once/);
    expect(t.db.select().from(resources).where(eq(resources.id, '/subscriptions/aaaa')).get()?.displayName).toBe('Imported sub');
  });

  it('imports an Azure Resource Graph export under an existing subscription', () => {
    const json = JSON.stringify({
      count: 3,
      data: [
        {
          id: `${DEMO_SUBSCRIPTION}/resourceGroups/finance-ml`,
          name: 'finance-ml',
          type: 'microsoft.resources/subscriptions/resourcegroups',
          subscriptionId: DEMO_SUBSCRIPTION.split('/')[2],
          resourceGroup: 'finance-ml',
        },
        {
          id: `${DEMO_SUBSCRIPTION}/resourceGroups/finance-ml/providers/Microsoft.Storage/storageAccounts/mldata`,
          name: 'mldata',
          type: 'microsoft.storage/storageaccounts',
          subscriptionId: DEMO_SUBSCRIPTION.split('/')[2],
          resourceGroup: 'finance-ml',
        },
        {
          id: `${DEMO_SUBSCRIPTION}/resourceGroups/finance-ml/providers/Microsoft.Storage/storageAccounts/bad`,
          name: 'bad',
          type: 'x',
          subscriptionId: 'another',
          resourceGroup: 'finance-ml',
        },
      ],
    });
    const report = importResources(t.db, actor(t.ids.steve), json, t.now);
    expect(report.added).toHaveLength(2);
    expect(report.skipped[0].reason).toMatch(/subscriptionId another does not match/);
    const index = policyIndex(t.db);
    // under a managed subscription, imported resources are managed at once
    expect(isManaged(index, `${sub}/resourcegroups/finance-ml/providers/microsoft.storage/storageaccounts/mldata`)).toBe(true);
    expect(searchResources(t.db, { q: 'mldata' }).rows).toHaveLength(1);
    // each imported resource is audited at its own scope (the subscription's resource audit lists them)
    const added = t.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'Resource added'))
      .all()
      .map((e) => e.scopeId);
    expect(added).toEqual(
      expect.arrayContaining([
        `${sub}/resourcegroups/finance-ml`,
        `${sub}/resourcegroups/finance-ml/providers/microsoft.storage/storageaccounts/mldata`,
      ]),
    );
  });

  it('skips what the importer may not manage, and refuses a file that is not JSON', () => {
    const report = importResources(
      t.db,
      actor(t.ids.jen),
      JSON.stringify([{ id: '/subscriptions/cccc' }, { id: `${DEMO_SUBSCRIPTION}/resourceGroups/jen-rg` }]),
      t.now,
    );
    expect(report.added).toHaveLength(0);
    expect(report.skipped.map((s) => s.reason)).toEqual([
      'Only tenant PIM administrators can add top-level resources.',
      expect.stringMatching(/PIM management access on Tenant › Blue Widget Co/),
    ]);
    let err: unknown;
    try {
      importResources(t.db, actor(t.ids.steve), '{nope', t.now);
    } catch (e) {
      err = e;
    }
    expect(isElevateError(err) && err.fieldErrors?.file?.[0]).toMatch(/not valid JSON/);
  });
});
