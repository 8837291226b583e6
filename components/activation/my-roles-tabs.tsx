'use client';

import { useRef, useState } from 'react';
import Link from 'next/link';
import type { ActivationTarget, ActiveRow, EligibleRow, ExpiredRow, ListPage, MyRoles } from '@/lib/activation/my-roles';
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
  | { type: 'activate'; rows: ActivationTarget[]; initialScopes?: Record<string, string[]> }
  | { type: 'self'; kind: SelfRequestKind; targetScheduleId: string; what: string }
  | null;

const TITLES: Record<SelfRequestKind, string> = {
  SelfDeactivate: 'Deactivate role',
  SelfExtend: 'Extend assignment',
  SelfRenew: 'Renew assignment',
};
const countText = (p: ListPage) => `${p.count}${p.more ? '+' : ''}`;
/** A tab's page link: the tab, the search, and the cursor (which belongs to that tab). */
const hrefFor = (tab: Tab, q: string, extra: Record<string, string> = {}) =>
  `/my-roles?${new URLSearchParams({ tab, ...(q ? { q } : {}), ...extra })}`;

/** "Previous page" / "Next page" for one tab, kept in the URL. */
function Pager({ tab, q, page, label }: { tab: Tab; q: string; page: ListPage; label: string }) {
  if (!page.prev && !page.next) return null;
  return (
    <nav aria-label={label} className="mt-3 flex gap-2 text-sm">
      {page.prev && (
        <Link className={buttonClass('secondary')} href={hrefFor(tab, q, { before: page.prev })}>
          Previous page
        </Link>
      )}
      {page.next && (
        <Link className={buttonClass('secondary')} href={hrefFor(tab, q, { after: page.next })}>
          Next page
        </Link>
      )}
    </nav>
  );
}

/**
 * My roles: Eligible / Active / Expired, a page of each from the server (search and paging
 * in the URL), multi-select activation (kept across pages), deactivate, extend and renew.
 */
export function MyRolesTabs({
  data,
  mfaFresh,
  enrolOffer,
  initialTab,
  pageProblem = null,
}: {
  data: MyRoles;
  mfaFresh: boolean;
  enrolOffer: EnrolOffer | null;
  initialTab: Tab;
  pageProblem?: string | null;
}) {
  const [tab, setTab] = useState<Tab>(initialTab);
  const [dialog, setDialog] = useState<Dialog>(null);
  // chosen rows by eligibility id, so a choice made on one page survives turning to the next
  const [picked, setPicked] = useState<Map<string, EligibleRow>>(new Map());
  const q = data.q;
  const tabs: { id: Tab; label: string; count: string }[] = [
    { id: 'eligible', label: 'Eligible', count: countText(data.eligiblePage) },
    { id: 'active', label: 'Active', count: countText(data.activePage) },
    { id: 'expired', label: 'Expired', count: countText(data.expiredPage) },
  ];
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKey = (e: React.KeyboardEvent, i: number) => {
    const next = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i + tabs.length - 1) % tabs.length : -1;
    if (next < 0) return;
    setTab(tabs[next].id);
    refs.current[tabs[next].id]?.focus();
  };
  const close = () => {
    setDialog(null);
    setPicked(new Map());
  };
  const what = (r: { roleName: string; crumbs: { name: string }[] }) => `${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}`;

  return (
    <div className="space-y-4">
      <div role="tablist" aria-label="My roles" className="flex gap-1 border-b border-[var(--border)]">
        {tabs.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            role="tab"
            id={`tab-${t.id}`}
            aria-controls={`panel-${t.id}`}
            aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => onKey(e, i)}
            className={[
              '-mb-px border-b-2 px-4 py-2 text-sm font-medium',
              tab === t.id
                ? 'border-indigo-600 text-indigo-800 dark:text-indigo-200'
                : 'border-transparent text-[var(--muted)] hover:text-[var(--text)]',
            ].join(' ')}
          >
            {t.label}{' '}
            <span className="ml-1 rounded-full bg-slate-200 px-2 text-xs text-slate-800 dark:bg-slate-700 dark:text-slate-100">
              {t.count}
            </span>
          </button>
        ))}
      </div>

      <div className="flex flex-wrap items-center gap-2">
        <form method="get" action="/my-roles" role="search" className="flex flex-wrap items-center gap-2">
          <input type="hidden" name="tab" value={tab} />
          <label htmlFor="roles-q" className="sr-only">
            Search by role or scope name
          </label>
          <input
            key={q}
            id="roles-q"
            name="q"
            type="search"
            placeholder="Search by role or scope name…"
            defaultValue={q}
            maxLength={200}
            className={`${inputClass} max-w-xs`}
          />
          <button type="submit" className={buttonClass('secondary')}>
            Search
          </button>
          {q && (
            <Link className="text-sm underline" href={hrefFor(tab, '')}>
              Clear search
            </Link>
          )}
        </form>
        {tab === 'eligible' && picked.size > 0 && (
          <Button onClick={() => setDialog({ type: 'activate', rows: [...picked.values()] })}>Activate selected ({picked.size})</Button>
        )}
      </div>
      {pageProblem && <Notice tone="warning">{pageProblem}</Notice>}

      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} tabIndex={0}>
        {tab === 'eligible' && (
          <>
            <Eligible
              rows={data.eligible}
              q={q}
              picked={picked}
              setPicked={setPicked}
              onActivate={(r) => setDialog({ type: 'activate', rows: [r] })}
              onExtend={(r) =>
                setDialog({ type: 'self', kind: 'SelfExtend', targetScheduleId: r.eligibilityId, what: `Eligible ${what(r)}` })
              }
            />
            <Pager tab="eligible" q={q} page={data.eligiblePage} label="Eligible pages" />
          </>
        )}
        {tab === 'active' && (
          <>
            <Active
              rows={data.active}
              q={q}
              onSelf={(kind, r) => setDialog({ type: 'self', kind, targetScheduleId: r.scheduleId, what: what(r) })}
            />
            <Pager tab="active" q={q} page={data.activePage} label="Active pages" />
          </>
        )}
        {tab === 'expired' && (
          <>
            <Expired
              rows={data.expired}
              q={q}
              onRenew={(r) => setDialog({ type: 'self', kind: 'SelfRenew', targetScheduleId: r.scheduleId, what: what(r) })}
              onReactivate={(r) => {
                if (r.reactivate)
                  setDialog({
                    type: 'activate',
                    rows: [r.reactivate.target],
                    initialScopes: { [r.reactivate.eligibilityId]: [r.reactivate.scopeId] },
                  });
              }}
            />
            <Pager tab="expired" q={q} page={data.expiredPage} label="Expired pages" />
          </>
        )}
      </div>

      <Modal
        open={dialog?.type === 'activate'}
        onClose={close}
        wide
        title={dialog?.type === 'activate' ? `Activate ${dialog.rows.map((r) => r.roleName).join(', ')}` : 'Activate'}
        description="Choose where you need the role. Each scope follows its own settings."
      >
        {dialog?.type === 'activate' && (
          <ActivationForm
            rows={dialog.rows}
            initialScopes={dialog.initialScopes}
            mfaFresh={mfaFresh}
            mfaEnrolled={data.mfaEnrolled}
            enrolOffer={enrolOffer}
            onDone={close}
          />
        )}
      </Modal>
      <Modal open={dialog?.type === 'self'} onClose={close} title={dialog?.type === 'self' ? TITLES[dialog.kind] : ''}>
        {dialog?.type === 'self' && (
          <SelfRequestForm kind={dialog.kind} targetScheduleId={dialog.targetScheduleId} what={dialog.what} onDone={close} />
        )}
      </Modal>
    </div>
  );
}

function Eligible({
  rows,
  q,
  picked,
  setPicked,
  onActivate,
  onExtend,
}: {
  rows: EligibleRow[];
  q: string;
  picked: Map<string, EligibleRow>;
  setPicked: (s: Map<string, EligibleRow>) => void;
  onActivate: (r: EligibleRow) => void;
  onExtend: (r: EligibleRow) => void;
}) {
  if (!rows.length) {
    return (
      <EmptyState>
        {q ? `No eligible role matches “${q}”.` : 'You have no eligible roles. Ask an administrator of the scope to make you eligible.'}
      </EmptyState>
    );
  }
  const toggle = (r: EligibleRow) => {
    const next = new Map(picked);
    if (next.has(r.eligibilityId)) next.delete(r.eligibilityId);
    else next.set(r.eligibilityId, r);
    setPicked(next);
  };
  return (
    <RoleTable caption="Eligible roles" headers={['Select', 'Role', 'Scope', 'From', 'Window', 'Actions']}>
      {rows.map((r) => (
        <Row key={r.eligibilityId}>
          <Cell label="Select">
            <input
              type="checkbox"
              className="size-4"
              aria-label={`Select ${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}`}
              checked={picked.has(r.eligibilityId)}
              onChange={() => toggle(r)}
            />
          </Cell>
          <Cell label="Role">
            <span className="font-medium">{r.roleName}</span> {r.status === 'Scheduled' && <Badge state="Scheduled" />}
          </Cell>
          <Cell label="Scope">
            <ScopePath crumbs={r.crumbs} armId={r.armId} />
            {r.scopesBelow && r.scopesBelow.count > 0 && (
              <p className="text-xs text-[var(--muted)]">
                and {r.scopesBelow.count}
                {r.scopesBelow.more ? '+' : ''} scope{r.scopesBelow.count === 1 && !r.scopesBelow.more ? '' : 's'} below (inherited)
              </p>
            )}
          </Cell>
          <Cell label="From">{r.source.memberType === 'Direct' ? 'Direct' : `Group ${r.source.groupName}`}</Cell>
          <Cell label="Window">
            <Time at={r.startAt} prefix="from" />
            <br />
            <Time at={r.endAt} prefix="until" />
          </Cell>
          <Cell label="Actions">
            <div className="flex flex-wrap gap-2">
              <Button onClick={() => onActivate(r)} aria-label={`Activate ${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}`}>
                Activate
              </Button>
              {r.canExtend && (
                <Button variant="secondary" onClick={() => onExtend(r)}>
                  Extend
                </Button>
              )}
            </div>
          </Cell>
        </Row>
      ))}
    </RoleTable>
  );
}

function Active({ rows, q, onSelf }: { rows: ActiveRow[]; q: string; onSelf: (k: SelfRequestKind, r: ActiveRow) => void }) {
  if (!rows.length)
    return (
      <EmptyState>
        {q ? `No active role matches “${q}”.` : 'You hold no active role right now. Activate one from the Eligible tab.'}
      </EmptyState>
    );
  return (
    <RoleTable caption="Active roles" headers={['Role', 'Scope', 'State', 'Until', 'How', 'Actions']}>
      {rows.map((r) => {
        const what = `${r.roleName} on ${r.crumbs.map((c) => c.name).join(' › ')}`;
        return (
          <Row key={r.scheduleId}>
            <Cell label="Role">
              <span className="font-medium">{r.roleName}</span>
            </Cell>
            <Cell label="Scope">
              <ScopePath crumbs={r.crumbs} armId={r.armId} />
            </Cell>
            <Cell label="State">
              <Badge state={r.status} />
            </Cell>
            <Cell label="Until">
              {r.status === 'Scheduled' ? <Time at={r.startAt} prefix="starts" /> : <Countdown until={r.endAt} />}
              {r.endAt !== null && (
                <p className="text-xs text-[var(--muted)]">
                  <Time at={r.endAt} />
                </p>
              )}
            </Cell>
            <Cell label="How">
              {r.origin === 'activated' ? 'Activated' : 'Assigned'}
              {r.viaGroup ? ` via group ${r.viaGroup}` : ''}
            </Cell>
            <Cell label="Actions">
              <div className="flex flex-wrap gap-2">
                {r.canDeactivate && (
                  <Button variant="secondary" onClick={() => onSelf('SelfDeactivate', r)} aria-label={`Deactivate ${what}`}>
                    Deactivate
                  </Button>
                )}
                {r.canExtend && (
                  <Button variant="secondary" onClick={() => onSelf('SelfExtend', r)} aria-label={`Extend ${what}`}>
                    Extend
                  </Button>
                )}
              </div>
            </Cell>
          </Row>
        );
      })}
    </RoleTable>
  );
}

/** History is paged and searched on the server (links keep the tab and the search). */
function Expired({
  rows,
  q,
  onRenew,
  onReactivate,
}: {
  rows: ExpiredRow[];
  q: string;
  onRenew: (r: ExpiredRow) => void;
  onReactivate: (r: ExpiredRow) => void;
}) {
  if (!rows.length) {
    return (
      <EmptyState>
        {q ? (
          `Nothing that ended in the last 30 days matches “${q}”.`
        ) : (
          <>
            Nothing ended in the last 30 days.{' '}
            <Link className="underline" href="/requests">
              See your requests
            </Link>
            .
          </>
        )}
      </EmptyState>
    );
  }
  return (
    <RoleTable caption="Roles that ended in the last 30 days" headers={['Role', 'Scope', 'Kind', 'State', 'Ended', 'Actions']}>
      {rows.map((r) => (
        <Row key={r.scheduleId}>
          <Cell label="Role">
            <span className="font-medium">{r.roleName}</span>
          </Cell>
          <Cell label="Scope">
            <ScopePath crumbs={r.crumbs} armId={r.armId} />
          </Cell>
          <Cell label="Kind">
            {r.origin === 'activated' ? 'Activation' : r.kind === 'eligible' ? 'Eligible assignment' : 'Active assignment'}
          </Cell>
          <Cell label="State">
            <Badge state={r.status} />
          </Cell>
          <Cell label="Ended">
            <Time at={r.endedAt} />
          </Cell>
          <Cell label="Actions">
            <div className="flex flex-wrap gap-2">
              {r.canRenew && (
                <Button variant="secondary" onClick={() => onRenew(r)}>
                  Renew
                </Button>
              )}
              {r.reactivate && (
                <Button variant="secondary" onClick={() => onReactivate(r)}>
                  Activate again
                </Button>
              )}
            </div>
          </Cell>
        </Row>
      ))}
    </RoleTable>
  );
}
