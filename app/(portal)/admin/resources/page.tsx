import { deny } from '../_lib/deny';
import type { Metadata } from 'next';
import Link from 'next/link';
import { managementAccess } from '@/lib/policy';
import { discoverableResources, resourceTree, searchResources } from '@/lib/resources/tree';
import { scopeCrumbs, scopePathText } from '@/lib/portal/scope-path';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { inputClass } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { Badge } from '@/components/ui/badge';
import { ScopePath } from '@/components/scope/scope-path';
import { ResourceTree } from '@/components/tree/resource-tree';
import { AddResourceForm, EnablePimButton, ImportForm } from '@/components/admin/resource-forms';
import { adminContext, administers, names } from '../_lib/context';
import { singleValues } from '../_lib/search';

export const metadata: Metadata = { title: 'Resources' };

export default async function ResourcesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await adminContext();
  if (!administers(ctx)) deny();
  const { q = '' } = singleValues(await searchParams, ['q']);
  const { index, now, user } = ctx;
  const discover = discoverableResources(index);
  const hits = q ? searchResources(index, q) : [];
  const parents = [...index.resources.values()]
    .filter((n) => n.fact.kind !== 'resource' && (n.fact.kind === 'managementGroup' || managementAccess(index, user.id, n.fact.id, now).allowed))
    .slice(0, 500)
    .map((n) => ({ id: n.fact.id, kind: n.fact.kind, label: scopePathText(index, n.fact.id) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return (
    <div className="space-y-6">
      <PageHeader title="Resources" description="Discover resources and enable PIM on them, browse the tree with its assignments, add resources by hand or import them." />
      <Card title="Discover resources">
        {discover.length === 0 ? (
          <EmptyState>PIM is enabled on every management group and subscription. Add or import more resources below.</EmptyState>
        ) : (
          <ul className="divide-y divide-[var(--border)]">
            {discover.map((n) => (
              <li key={n.fact.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <div>
                  <ScopePath crumbs={scopeCrumbs(index, n.fact.id)} />
                  <p className="text-xs text-[var(--muted)]">{n.fact.kind === 'subscription' ? 'Subscription' : 'Management group'} · {n.children.length} direct children, which become managed too</p>
                </div>
                {managementAccess(index, user.id, n.fact.id, now).allowed ? <EnablePimButton scopeId={n.fact.id} name={n.fact.name} /> : <Badge>Needs a PIM administrator</Badge>}
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="Resource tree">
        <form role="search" className="mb-4 flex flex-wrap gap-2" action="/admin/resources">
          <label htmlFor="tree-q" className="sr-only">Search resources</label>
          <input id="tree-q" name="q" type="search" defaultValue={q} placeholder="Search by name or id" className={`${inputClass} max-w-md`} />
          <button className={buttonClass('secondary')}>Search</button>
          {q && <Link href="/admin/resources" className={buttonClass('ghost')}>Clear</Link>}
        </form>
        {q ? (
          hits.length === 0 ? <EmptyState>No resource matches “{q}”. Check the spelling, or add it below.</EmptyState> : (
            <ul className="divide-y divide-[var(--border)]" aria-label="Search results">
              {hits.map((n) => (
                <li key={n.fact.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <ScopePath crumbs={scopeCrumbs(index, n.fact.id)} />
                  {n.managed ? <Link className={buttonClass('secondary', 'px-2 py-1 text-xs')} href={`/admin/scope?id=${encodeURIComponent(n.fact.id)}`}>Open</Link> : <Badge>Not managed</Badge>}
                </li>
              ))}
            </ul>
          )
        ) : (
          <ResourceTree nodes={resourceTree(index, now, { canSee: (id) => managementAccess(index, user.id, id, now).allowed })} names={names(ctx)} />
        )}
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Add a resource"><AddResourceForm parents={parents} /></Card>
        <Card title="Import resources"><ImportForm /></Card>
      </div>
    </div>
  );
}
