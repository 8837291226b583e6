import { refusal } from '../_lib/deny';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { managementAccess, nodeOf } from '@/lib/policy';
import { currentRevision } from '@/lib/tenant/engine';
import { discoverPage } from '@/lib/resources/levels';
import { treeLevel, treeSearch, type TreeLevel } from '@/lib/resources/tree';
import { searchText } from '@/lib/portal/keyset';
import { scopeCrumbs } from '@/lib/portal/scope-path';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { inputClass } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { Badge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/notice';
import { ScopePath } from '@/components/scope/scope-path';
import { ResourceTree } from '@/components/tree/resource-tree';
import { AddResourceForm, EnablePimButton, ImportForm } from '@/components/admin/resource-forms';
import { adminContext, administers } from '../_lib/context';
import { seekParam, singleValues } from '../_lib/search';

export const metadata: Metadata = { title: 'Resources' };

/** Top-level nodes whose first level of children the page renders open, as the tree always did. */
const OPEN_ROOTS = 5;

const pageLinks = (base: string, key: string, page: { next: string | null; prev: string | null }) => ({
  prev: page.prev ? `${base}${base.includes('?') ? '&' : '?'}${key}before=${encodeURIComponent(page.prev)}` : null,
  next: page.next ? `${base}${base.includes('?') ? '&' : '?'}${key}after=${encodeURIComponent(page.next)}` : null,
});

function Pager({ label, links }: { label: string; links: { prev: string | null; next: string | null } }) {
  if (!links.prev && !links.next) return null;
  return (
    <nav aria-label={label} className="mt-3 flex gap-2">
      {links.prev && (
        <Link className={buttonClass('secondary', 'px-2 py-1 text-xs')} href={links.prev}>
          Previous page
        </Link>
      )}
      {links.next && (
        <Link className={buttonClass('secondary', 'px-2 py-1 text-xs')} href={links.next}>
          Next page
        </Link>
      )}
    </nav>
  );
}

/**
 * Resources: discover and enable PIM, the tree (one level at a time), search by name or
 * ARM id (in SQL, each hit with its path), add and import. Every list is a page.
 */
export default async function ResourcesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await adminContext();
  if (!administers(ctx)) return refusal();
  const sp = singleValues(await searchParams, ['q', 'after', 'before', 'dafter', 'dbefore']);
  const { q, cut } = searchText(sp.q);
  const { index, now, user } = ctx;
  const db = getDb();
  const searchSeek = seekParam(sp.after, sp.before, ['s', 's']);
  const discoverSeek = seekParam(sp.dafter, sp.dbefore, ['s', 's']);
  const discover = discoverPage(db, discoverSeek.seek, 20);
  const hits = q ? treeSearch(db, index, { q }, searchSeek.seek) : null;
  // the top level, and the first level under the first few top-level nodes, come with the page
  const preloaded: Record<string, TreeLevel> = {};
  if (!hits) {
    const top = treeLevel(db, index, user.id, null, now);
    preloaded[''] = top;
    for (const r of top.rows.filter((r) => r.childCount > 0).slice(0, OPEN_ROOTS))
      preloaded[r.id] = treeLevel(db, index, user.id, r.id, now);
  }
  const mayEnable = (id: string) => managementAccess(index, user.id, id, now).allowed;
  const searchBase = `/admin/resources?q=${encodeURIComponent(q)}`;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Resources"
        description="Discover resources and enable PIM on them, browse the tree with its assignments, add resources by hand or import them."
      />
      <Card title="Discover resources">
        {discoverSeek.problem && <Notice tone="warning">{discoverSeek.problem}</Notice>}
        {discover.rows.length === 0 ? (
          <EmptyState>PIM is enabled on every management group and subscription. Add or import more resources below.</EmptyState>
        ) : (
          <ul className="divide-y divide-[var(--border)]" aria-label="Not managed yet">
            {discover.rows.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <div>
                  <ScopePath crumbs={scopeCrumbs(index, r.id)} />
                  <p className="text-xs text-[var(--muted)]">
                    {r.kind === 'subscription' ? 'Subscription' : 'Management group'} · {nodeOf(index, r.id)?.children.length ?? 0} direct
                    children, which become managed too
                  </p>
                </div>
                {mayEnable(r.id) ? <EnablePimButton scopeId={r.id} name={r.name} /> : <Badge>Needs a PIM administrator</Badge>}
              </li>
            ))}
          </ul>
        )}
        <Pager label="Discover pages" links={pageLinks('/admin/resources', 'd', discover)} />
      </Card>

      <Card title="Resource tree">
        <form role="search" className="mb-4 flex flex-wrap gap-2" action="/admin/resources">
          <label htmlFor="tree-q" className="sr-only">
            Search resources
          </label>
          <input
            id="tree-q"
            name="q"
            type="search"
            defaultValue={q}
            maxLength={200}
            placeholder="Search by name, or an id starting with /"
            className={`${inputClass} max-w-md`}
          />
          <button className={buttonClass('secondary')}>Search</button>
          {q && (
            <Link href="/admin/resources" className={buttonClass('ghost')}>
              Clear
            </Link>
          )}
        </form>
        {cut && <Notice tone="info">Only the first 100 characters are searched.</Notice>}
        {searchSeek.problem && <Notice tone="warning">{searchSeek.problem}</Notice>}
        {hits ? (
          hits.rows.length === 0 ? (
            <EmptyState>No resource matches “{q}”. Check the spelling, or add it below.</EmptyState>
          ) : (
            <>
              <ul className="divide-y divide-[var(--border)]" aria-label="Search results">
                {hits.rows.map((h) => (
                  <li key={h.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <ScopePath crumbs={h.crumbs} armId={h.armId} />
                    {h.managed ? (
                      <Link
                        className={buttonClass('secondary', 'px-2 py-1 text-xs')}
                        href={`/admin/scope?id=${encodeURIComponent(h.id)}`}
                        aria-label={`Open ${h.name}`}
                      >
                        Open
                      </Link>
                    ) : (h.kind === 'managementGroup' || h.kind === 'subscription') && mayEnable(h.id) ? (
                      <EnablePimButton scopeId={h.id} name={h.name} />
                    ) : (
                      <Badge>Not managed</Badge>
                    )}
                  </li>
                ))}
              </ul>
              <Pager label="Search result pages" links={pageLinks(searchBase, '', hits)} />
            </>
          )
        ) : (
          <ResourceTree revision={currentRevision(db)} preloaded={preloaded} />
        )}
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Add a resource">
          <AddResourceForm />
        </Card>
        <Card title="Import resources">
          <ImportForm />
        </Card>
      </div>
    </div>
  );
}
