'use client';

import { useMemo, useRef, useState } from 'react';
import Link from 'next/link';
import type { ActiveRow, EligibleRow, ExpiredRow, MyRoles } from '@/lib/activation/my-roles';
import { Button, buttonClass } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/card';
import { inputClass } from '@/components/ui/field';
import { Countdown, Time } from '@/components/ui/time';
import { ScopePath } from '@/components/scope/scope-path';
import { Modal } from './modal';
import { ActivationForm, type EnrolOffer } from './activation-form';
import { SelfRequestForm, type SelfRequestKind } from './self-request-form';
import { RoleTable, Row, Cell } from './role-table';

export type Tab = 'eligible' | 'active' | 'expired';
type Dialog =
  | { type: 'activate'; rows: EligibleRow[]; initialScopes?: Record<string, string[]> }
  | { type: 'self'; kind: SelfRequestKind; targetScheduleId: string; what: string }
  | null;

const TITLES: Record<SelfRequestKind, string> = { SelfDeactivate: 'Deactivate role', SelfExtend: 'Extend assignment', SelfRenew: 'Renew assignment' };
const matches = (q: string, ...parts: string[]) => !q || parts.join(' ').toLowerCase().includes(q.toLowerCase());

/** My roles: Eligible / Active / Expired, multi-select activation, deactivate, extend and renew. */
export function MyRolesTabs({ data, mfaFresh, enrolOffer, initialTab, pageProblem = null }: {
  data: MyRoles; mfaFresh: boolean; enrolOffer: EnrolOffer | null; initialTab: Tab; pageProblem?: string | null;
}) {
  const [tab, setTab] = useState<Tab>(initialTab);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [q, setQ] = useState('');
  const tabs: { id: Tab; label: string; count: string }[] = [
    { id: 'eligible', label: 'Eligible', count: String(data.eligible.length) },
    { id: 'active', label: 'Active', count: String(data.active.length) },
    { id: 'expired', label: 'Expired', count: `${data.expiredPage.count}${data.expiredPage.more ? '+' : ''}` },
  ];
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKey = (e: React.KeyboardEvent, i: number) => {
    const next = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i + tabs.length - 1) % tabs.length : -1;
    if (next < 0) return;
    setTab(tabs[next].id);
    refs.current[tabs[next].id]?.focus();
  };
  const pickedRows = useMemo(() => data.eligible.filter((r) => picked.has(r.eligibilityId)), [data.eligible, picked]);
  const close = () => {
    setDialog(null);
    setPicked(new Set());
  };

  return (
    <div className="space-y-4">
      <div role="tablist" aria-label="My roles" className="flex gap-1 border-b border-[var(--border)]">
        {tabs.map((t, i) => (
          <button
            key={t.id} ref={(el) => { refs.current[t.id] = el; }} role="tab" id={`tab-${t.id}`} aria-controls={`panel-${t.id}`} aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1} onClick={() => setTab(t.id)} onKeyDown={(e) => onKey(e, i)}
            className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${tab === t.id ? 'border-indigo-600 text-indigo-800 dark:text-indigo-200' : 'border-transparent text-[var(--muted)] hover:text-[var(--text)]'}`}
          >
            {t.label} <span className="ml-1 rounded-full bg-slate-200 px-2 text-xs text-slate-800 dark:bg-slate-700 dark:text-slate-100">{t.count}</span>
          </button>
        ))}
      </div>

      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor="roles-q" className="sr-only">Filter roles</label>
        <input id="roles-q" type="search" placeholder="Filter by role or scope…" value={q} onChange={(e) => setQ(e.target.value)} className={`${inputClass} max-w-xs`} />
        {tab === 'eligible' && picked.size > 0 && (
          <Button onClick={() => setDialog({ type: 'activate', rows: pickedRows })}>Activate selected ({picked.size})</Button>
        )}
      </div>

      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} tabIndex={0}>
        {tab === 'eligible' && (
          <Eligible rows={data.eligible.filter((r) => matches(q, r.roleName, ...r.crumbs.map((c) => c.name)))} picked={picked} setPicked={setPicked}
            onActivate={(r) => setDialog({ type: 'activate', rows: [r] })}
            onExtend={(r) => setDialog({ type: 'self', kind: 'SelfExtend', targetScheduleId: r.eligibilityId, what: `Eligible ${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}` })} />
        )}
        {tab === 'active' && (
          <Active rows={data.active.filter((r) => matches(q, r.roleName, ...r.crumbs.map((c) => c.name)))}
            onSelf={(kind, r) => setDialog({ type: 'self', kind, targetScheduleId: r.scheduleId, what: `${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}` })} />
        )}
        {tab === 'expired' && pageProblem && <Notice tone="warning" className="mb-2">{pageProblem}</Notice>}
        {tab === 'expired' && (
          <Expired rows={data.expired.filter((r) => matches(q, r.roleName, ...r.crumbs.map((c) => c.name)))} page={data.expiredPage}
            onRenew={(r) => setDialog({ type: 'self', kind: 'SelfRenew', targetScheduleId: r.scheduleId, what: `${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}` })}
            onReactivate={(r) => {
              const row = data.eligible.find((e) => e.eligibilityId === r.reactivate?.eligibilityId);
              if (row && r.reactivate) setDialog({ type: 'activate', rows: [row], initialScopes: { [row.eligibilityId]: [r.reactivate.scopeId] } });
            }} />
        )}
      </div>

      <Modal open={dialog?.type === 'activate'} onClose={close} wide
        title={dialog?.type === 'activate' ? `Activate ${dialog.rows.map((r) => r.roleName).join(', ')}` : 'Activate'}
        description="Choose where you need the role. Each scope follows its own settings.">
        {dialog?.type === 'activate' && (
          <ActivationForm rows={dialog.rows} initialScopes={dialog.initialScopes} mfaFresh={mfaFresh} mfaEnrolled={data.mfaEnrolled} enrolOffer={enrolOffer} onDone={close} />
        )}
      </Modal>
      <Modal open={dialog?.type === 'self'} onClose={close} title={dialog?.type === 'self' ? TITLES[dialog.kind] : ''}>
        {dialog?.type === 'self' && <SelfRequestForm kind={dialog.kind} targetScheduleId={dialog.targetScheduleId} what={dialog.what} onDone={close} />}
      </Modal>
    </div>
  );
}

function Eligible({ rows, picked, setPicked, onActivate, onExtend }: {
  rows: EligibleRow[]; picked: Set<string>; setPicked: (s: Set<string>) => void; onActivate: (r: EligibleRow) => void; onExtend: (r: EligibleRow) => void;
}) {
  if (!rows.length) return <EmptyState>You have no eligible roles. Ask an administrator of the scope to make you eligible.</EmptyState>;
  const toggle = (id: string) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  return (
    <RoleTable caption="Eligible roles" headers={['Select', 'Role', 'Scope', 'From', 'Window', 'Actions']}>
      {rows.map((r) => (
        <Row key={r.eligibilityId}>
          <Cell label="Select"><input type="checkbox" className="size-4" aria-label={`Select ${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}`} checked={picked.has(r.eligibilityId)} onChange={() => toggle(r.eligibilityId)} /></Cell>
          <Cell label="Role"><span className="font-medium">{r.roleName}</span> {r.status === 'Scheduled' && <Badge state="Scheduled" />}</Cell>
          <Cell label="Scope"><ScopePath crumbs={r.crumbs} armId={r.armId} /><p className="text-xs text-[var(--muted)]">and {Math.max(0, r.scopes.length - 1)} scope{r.scopes.length === 2 ? '' : 's'} below (inherited)</p></Cell>
          <Cell label="From">{r.source.memberType === 'Direct' ? 'Direct' : `Group ${r.source.groupName}`}</Cell>
          <Cell label="Window"><Time at={r.startAt} prefix="from" /><br /><Time at={r.endAt} prefix="until" /></Cell>
          <Cell label="Actions">
            <div className="flex flex-wrap gap-2">
              <Button onClick={() => onActivate(r)} aria-label={`Activate ${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}`}>Activate</Button>
              {r.canExtend && <Button variant="secondary" onClick={() => onExtend(r)}>Extend</Button>}
            </div>
          </Cell>
        </Row>
      ))}
    </RoleTable>
  );
}

function Active({ rows, onSelf }: { rows: ActiveRow[]; onSelf: (k: SelfRequestKind, r: ActiveRow) => void }) {
  if (!rows.length) return <EmptyState>You hold no active role right now. Activate one from the Eligible tab.</EmptyState>;
  return (
    <RoleTable caption="Active roles" headers={['Role', 'Scope', 'State', 'Until', 'How', 'Actions']}>
      {rows.map((r) => {
        const what = `${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}`;
        return (
          <Row key={r.scheduleId}>
            <Cell label="Role"><span className="font-medium">{r.roleName}</span></Cell>
            <Cell label="Scope"><ScopePath crumbs={r.crumbs} armId={r.armId} /></Cell>
            <Cell label="State"><Badge state={r.status} /></Cell>
            <Cell label="Until">
              {r.status === 'Scheduled' ? <Time at={r.startAt} prefix="starts" /> : <Countdown until={r.endAt} />}
              {r.endAt !== null && <p className="text-xs text-[var(--muted)]"><Time at={r.endAt} /></p>}
            </Cell>
            <Cell label="How">{r.origin === 'activated' ? 'Activated' : 'Assigned'}{r.viaGroup ? ` via group ${r.viaGroup}` : ''}</Cell>
            <Cell label="Actions">
              <div className="flex flex-wrap gap-2">
                {r.canDeactivate && <Button variant="secondary" onClick={() => onSelf('SelfDeactivate', r)} aria-label={`Deactivate ${what}`}>Deactivate</Button>}
                {r.canExtend && <Button variant="secondary" onClick={() => onSelf('SelfExtend', r)} aria-label={`Extend ${what}`}>Extend</Button>}
              </div>
            </Cell>
          </Row>
        );
      })}
    </RoleTable>
  );
}

/** History is paged on the server (links keep the tab); the filter box narrows the page shown. */
function Expired({ rows, page, onRenew, onReactivate }: { rows: ExpiredRow[]; page: MyRoles['expiredPage']; onRenew: (r: ExpiredRow) => void; onReactivate: (r: ExpiredRow) => void }) {
  const pager = (page.prev || page.next) && (
    <nav aria-label="Expired pages" className="mt-3 flex gap-2 text-sm">
      {page.prev && <Link className={buttonClass('secondary')} href={`/my-roles?tab=expired&before=${encodeURIComponent(page.prev)}`}>Previous page</Link>}
      {page.next && <Link className={buttonClass('secondary')} href={`/my-roles?tab=expired&after=${encodeURIComponent(page.next)}`}>Next page</Link>}
    </nav>
  );
  if (!rows.length) return <><EmptyState>Nothing ended in the last 30 days. <Link className="underline" href="/requests">See your requests</Link>.</EmptyState>{pager}</>;
  return (
    <>
      <RoleTable caption="Roles that ended in the last 30 days" headers={['Role', 'Scope', 'Kind', 'State', 'Ended', 'Actions']}>
        {rows.map((r) => (
          <Row key={r.scheduleId}>
            <Cell label="Role"><span className="font-medium">{r.roleName}</span></Cell>
            <Cell label="Scope"><ScopePath crumbs={r.crumbs} armId={r.armId} /></Cell>
            <Cell label="Kind">{r.origin === 'activated' ? 'Activation' : r.kind === 'eligible' ? 'Eligible assignment' : 'Active assignment'}</Cell>
            <Cell label="State"><Badge state={r.status} /></Cell>
            <Cell label="Ended"><Time at={r.endedAt} /></Cell>
            <Cell label="Actions">
              <div className="flex flex-wrap gap-2">
                {r.canRenew && <Button variant="secondary" onClick={() => onRenew(r)}>Renew</Button>}
                {r.reactivate && <Button variant="secondary" onClick={() => onReactivate(r)}>Activate again</Button>}
              </div>
            </Cell>
          </Row>
        ))}
      </RoleTable>
      {pager}
    </>
  );
}
