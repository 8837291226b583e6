import { refusal } from '../_lib/deny';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { armIdOf } from '@/lib/resources/arm-id-of';
import { nodeOf } from '@/lib/policy/tenant-index';
import { scopeCrumbs } from '@/lib/portal/scope-path';
import { PageHeader, EmptyState } from '@/components/ui/card';
import { ScopePath } from '@/components/scope/scope-path';
import { adminContext, scopeAccess } from '../_lib/context';
import { singleValues } from '../_lib/search';
import { AssignmentsTab } from './assignments-tab';
import { SettingsTab } from './settings-tab';
import { AccessTab } from './access-tab';
import { WhoTab } from './who-tab';
import { AlertsTab } from './alerts-tab';
import { ScopeAuditTab } from './audit-tab';

export const metadata: Metadata = { title: 'Scope' };

const TABS = [
  { id: 'assignments', label: 'Assignments' },
  { id: 'settings', label: 'Settings' },
  { id: 'access', label: 'Management access' },
  { id: 'who', label: 'Who has access' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'audit', label: 'Audit' },
] as const;
type Tab = (typeof TABS)[number]['id'];

const SEARCH_KEYS = [
  'id',
  'tab',
  'role',
  'tab2',
  'q',
  'page',
  'from',
  'to',
  'action',
  'actor',
  'principal',
  'after',
  'before',
  'where',
  'assignee',
  'approver',
] as const;
export type ScopeSearch = Partial<Record<(typeof SEARCH_KEYS)[number], string>>;

/** One scope, its tabs: Assignments, Settings (per role), Management access, Alerts, Audit. */
export default async function ScopePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp: ScopeSearch = singleValues(await searchParams, SEARCH_KEYS);
  const ctx = await adminContext();
  const node = sp.id ? nodeOf(ctx.index, sp.id) : undefined;
  if (!node)
    return (
      <EmptyState>
        That scope does not exist.{' '}
        <Link className="underline" href="/admin/resources">
          Browse resources
        </Link>
        .
      </EmptyState>
    );
  const access = scopeAccess(ctx, node.fact.id);
  if (!access.allowed) return refusal({ hint: access.hint });
  const scopeId = node.fact.id;
  const tab: Tab = (TABS.find((t) => t.id === sp.tab)?.id ?? 'assignments') as Tab;
  const armId = armIdOf(getDb(), scopeId);
  const href = (t: Tab) =>
    `/admin/scope?id=${encodeURIComponent(scopeId)}&tab=${t}${sp.role ? `&role=${encodeURIComponent(sp.role)}` : ''}`;
  return (
    <div className="space-y-4">
      <PageHeader title={node.fact.name} description={<ScopePath crumbs={scopeCrumbs(ctx.index, scopeId)} armId={armId} />} />
      {!node.managed && (
        <p role="status" className="text-sm">
          PIM is not enabled here. Enable it on the Resources page before assigning roles.
        </p>
      )}
      <nav aria-label="Scope sections" className="overflow-x-auto border-b border-[var(--border)]">
        <ul className="flex gap-1">
          {TABS.map((t) => (
            <li key={t.id}>
              <Link
                href={href(t.id)}
                aria-current={tab === t.id ? 'page' : undefined}
                className={[
                  'inline-block whitespace-nowrap rounded-t-md px-3 py-2 text-sm font-medium',
                  tab === t.id
                    ? 'bg-[var(--surface)] text-indigo-700 ring-1 ring-[var(--border)] dark:text-indigo-300'
                    : 'text-[var(--muted)] hover:text-[var(--text)]',
                ].join(' ')}
              >
                {t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'assignments' && <AssignmentsTab ctx={ctx} scopeId={scopeId} sp={sp} />}
      {tab === 'settings' && <SettingsTab ctx={ctx} scopeId={scopeId} roleId={sp.role} proposedApprover={sp.approver} />}
      {tab === 'access' && <AccessTab ctx={ctx} scopeId={scopeId} />}
      {tab === 'who' && <WhoTab ctx={ctx} scopeId={scopeId} sp={sp} />}
      {tab === 'alerts' && <AlertsTab ctx={ctx} scopeId={scopeId} pageRaw={sp.page} />}
      {tab === 'audit' && <ScopeAuditTab ctx={ctx} scopeId={scopeId} sp={sp} />}
    </div>
  );
}
