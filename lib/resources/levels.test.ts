import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import type { ResourceFact } from '@/lib/policy';
import { resources } from '@/db/schema';
import { policyIndex } from '@/lib/tenant/engine';
import { decodeCursor, type Page, type Seek } from '@/lib/portal/keyset';
import { childrenPage, countBelow, discoverPage, searchResources } from './levels';
import { treeLevel, treeSearch } from './tree';
import { addResources, loadGenerated } from './test-support';

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());

const sub = DEMO_SUBSCRIPTION.toLowerCase();
const key = (s: string | null) => (s ? decodeCursor(s, ['s', 's']) : null);

/** Every page from the first, following `next`; `between` runs before each further page. */
function allPages<T extends { id: string }>(read: (seek: Seek) => Page<T>, between?: (n: number) => void): T[][] {
  const pages: T[][] = [];
  let p = read({});
  pages.push(p.rows);
  while (p.next) {
    between?.(pages.length);
    p = read({ after: key(p.next) });
    pages.push(p.rows);
  }
  return pages;
}

describe('one level of the tree', () => {
  it('returns exactly the children of a node, a page at a time, in name order, whatever its size', () => {
    const snap = loadGenerated(t, { resources: 3000 });
    // a resource group with thousands of children, beside the generated tree's small levels
    const rg = snap.resources.find((r) => r.kind === 'resourceGroup')!;
    const many = Array.from({ length: 2500 }, (_, i): ResourceFact => ({
      id: `${rg.id}/providers/microsoft.web/sites/site-${i}`,
      parentId: rg.id,
      kind: 'resource',
      name: `Site ${(i * 7919) % 2500}`,
      managed: false,
    }));
    addResources(t, many);
    const all = [...snap.resources, ...many];
    for (const parentId of [rg.id, snap.resources.find((r) => r.kind === 'subscription')!.id]) {
      const pages = allPages((seek) => childrenPage(t.db, parentId, seek, 50));
      expect(pages.every((p) => p.length <= 50)).toBe(true);
      const ids = pages.flat().map((r) => r.id);
      expect(ids.sort()).toEqual(
        all
          .filter((r) => r.parentId === parentId)
          .map((r) => r.id)
          .sort(),
      );
    }
    const pages = allPages((seek) => childrenPage(t.db, rg.id, seek, 50));
    expect(pages.length).toBeGreaterThan(50);
    const names = pages.flat().map((r) => r.name.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  it('shows every child exactly once while children are added between page reads', () => {
    const parent = `${sub}/resourcegroups/finance-dev`;
    const add = (names: string[]) =>
      addResources(
        t,
        names.map((n): ResourceFact => ({
          id: `${parent}/providers/microsoft.compute/virtualmachines/${n}`,
          parentId: parent,
          kind: 'resource',
          name: n,
          managed: false,
        })),
      );
    add(Array.from({ length: 120 }, (_, i) => `vm-${String(i).padStart(3, '0')}`));
    const before = childrenPage(t.db, parent, {}, 1000).rows.map((r) => r.id);
    // new children sort before and after the cursor; those before it are not seen, none twice
    const pages = allPages(
      (seek) => childrenPage(t.db, parent, seek, 25),
      (n) => add([`aaa-${n}`, `zzz-${n}`]),
    );
    const seen = pages.flat().map((r) => r.id);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
  });

  it('pages backwards to the same rows', () => {
    loadGenerated(t, { resources: 2000 });
    const root = '/providers/microsoft.management/managementgroups/root';
    const index = policyIndex(t.db);
    const parent = index.resources.get(root)!.children[0].id;
    const first = childrenPage(t.db, parent, {}, 10);
    const second = childrenPage(t.db, parent, { after: key(first.next) }, 10);
    expect(childrenPage(t.db, parent, { before: key(second.prev) }, 10).rows).toEqual(first.rows);
  });

  it('top level lists the roots; tree rows carry counts, marks and names from the engine', () => {
    const top = treeLevel(t.db, policyIndex(t.db), t.ids.steve, null, t.now);
    expect(top.rows.map((r) => r.name)).toEqual(['Tenant Root Group']);
    expect(top.rows[0].childCount).toBe(1);
    const level = treeLevel(t.db, policyIndex(t.db), t.ids.steve, sub, t.now);
    expect(level.rows.map((r) => r.name)).toEqual(['finance-dev', 'finance-prod', 'finance-test']);
    const dev = level.rows[0];
    expect(dev).toMatchObject({ childCount: 2, directCount: 2, inheritedCount: 2, redacted: false, managed: true });
    expect(level.inherited.join(' ')).toMatch(/Jen: eligible Owner from Tenant › Blue Widget Co/);
    // Owner needs approval on the subscription but not on finance-dev: marked weaker; finance-prod requires it too
    expect(dev.weaker.join(' ')).toMatch(/approval is not required on .*finance-dev/);
    expect(level.rows[1].weaker).toEqual([]);
    // Jen manages nothing: names and places only
    const jens = treeLevel(t.db, policyIndex(t.db), t.ids.jen, sub, t.now);
    expect(jens.rows[0]).toMatchObject({ redacted: true, direct: [], inheritedCount: 0, explicitSettings: [] });
    expect(jens.inherited).toEqual([]);
  });
});

describe('search', () => {
  it('finds by part of a name and by ARM id prefix, each hit with its path', () => {
    const snap = loadGenerated(t, { resources: 3000 });
    const vm = snap.resources.find((r) => r.kind === 'resource')!;
    const hits = treeSearch(t.db, policyIndex(t.db), { q: vm.name });
    const hit = hits.rows.find((h) => h.id === vm.id)!;
    expect(hit.crumbs.map((c) => c.id)).toEqual(pathIds(snap.resources, vm.id));
    expect(hit.crumbs.at(-1)!.name).toBe(vm.name);
    // case does not matter, wildcards are letters
    expect(searchResources(t.db, { q: 'FINANCE-DEV' }).rows.map((r) => r.name)).toContain('finance-dev');
    expect(searchResources(t.db, { q: '%' }).rows).toEqual([]);
    // an id prefix lists that scope and everything under it, in id order
    const rg = snap.resources.find((r) => r.kind === 'resourceGroup')!;
    const under = allPages((seek) => searchResources(t.db, { q: rg.id.toUpperCase() }, seek, 20))
      .flat()
      .map((r) => r.id);
    expect(under).toEqual(
      snap.resources
        .filter((r) => r.id === rg.id || r.id.startsWith(`${rg.id}/`))
        .map((r) => r.id)
        .sort(),
    );
  });

  it('pages through every match exactly once, and limits to a subtree or kinds when asked', () => {
    const snap = loadGenerated(t, { resources: 3000 });
    const everything = t.db.select().from(resources).all();
    const vms = everything
      .filter((r) => r.displayName.toLowerCase().includes('vm') || r.name.toLowerCase().includes('vm'))
      .map((r) => r.id)
      .sort();
    const pages = allPages((seek) => searchResources(t.db, { q: 'vm' }, seek, 100));
    expect(
      pages
        .flat()
        .map((r) => r.id)
        .sort(),
    ).toEqual(vms);
    const sub1 = snap.resources.find((r) => r.kind === 'subscription')!;
    const inSub = allPages((seek) => searchResources(t.db, { q: 'vm', under: sub1.id }, seek, 100))
      .flat()
      .map((r) => r.id);
    expect(inSub.every((id) => id.startsWith(`${sub1.id}/`))).toBe(true);
    expect(inSub.length).toBe(vms.filter((id) => id.startsWith(`${sub1.id}/`)).length);
    expect(searchResources(t.db, { q: '', kinds: ['subscription'] }, {}, 1000).rows.every((r) => r.kind === 'subscription')).toBe(true);
  });
});

describe('discover and counts', () => {
  it('lists management groups and subscriptions not managed even from above; counts a subtree', () => {
    const snap = loadGenerated(t, { resources: 2000, managedRatio: 0.5 });
    const index = policyIndex(t.db);
    const expected = snap.resources
      .filter((r) => (r.kind === 'managementGroup' || r.kind === 'subscription') && !index.resources.get(r.id)!.managed)
      .map((r) => r.id);
    const found = allPages((seek) => discoverPage(t.db, seek, 7))
      .flat()
      .map((r) => r.id);
    expect(found.sort()).toEqual(expected.sort());
    const root = '/providers/microsoft.management/managementgroups/root';
    expect(countBelow(t.db, root)).toBe(snap.resources.length - 1);
    const managedBelowRoot = snap.resources.filter((r) => r.id !== root && index.resources.get(r.id)!.managed).length;
    expect(countBelow(t.db, root, { managedOnly: true, managedHere: index.resources.get(root)!.managed })).toBe(
      index.resources.get(root)!.managed ? snap.resources.length - 1 : managedBelowRoot,
    );
  });
});

function pathIds(list: ResourceFact[], id: string): string[] {
  const byId = new Map(list.map((r) => [r.id, r]));
  const out: string[] = [];
  for (let r = byId.get(id); r; r = r.parentId ? byId.get(r.parentId) : undefined) out.unshift(r.id);
  return out;
}
