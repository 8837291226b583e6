import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { OUTBOX_KEY_SHAPE, OUTBOX_STATUSES, outboxPage, type OutboxStatus } from '@/lib/notify/outbox-list';
import { requireUser } from '@/lib/auth/session';
import { policyIndex } from '@/lib/tenant/engine';
import { isTenantPimAdmin } from '@/lib/policy';
import { config } from '@/lib/config';
import { Badge } from '@/components/ui/badge';
import { EmptyState, PageHeader } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';
import { singleValues } from '../_lib/search';
import { decodeCursor } from '@/lib/portal/keyset';

export const metadata: Metadata = { title: 'Outbox' };
export const dynamic = 'force-dynamic';

const PAGE = 50;
const KEY_SHAPE = OUTBOX_KEY_SHAPE;
const STATUSES = OUTBOX_STATUSES;
type Status = OutboxStatus;
const LABEL: Record<Status, { text: string; state: string }> = {
  queued: { text: 'Queued', state: 'Scheduled' },
  outbox: { text: 'Not sent (no SMTP)', state: 'Pending approval' },
  sent: { text: 'Sent', state: 'Active' },
  failed: { text: 'Failed', state: 'Failed' },
};

/**
 * Every e-mail the portal sent or would have sent, newest first, 50 a page (keyset-paged
 * in SQL). Without ELEVATE_SMTP_URL this is where they stay, so the demo needs no mail server. Tenant PIM administrators only:
 * mails name people, roles and scopes across the whole tenant.
 */
export default async function OutboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  if (!isTenantPimAdmin(policyIndex(getDb()), user.id)) {
    return (
      <div className="space-y-4">
        <PageHeader title="Outbox" />
        <Notice tone="info" title="Only tenant PIM administrators can read the outbox">
          It holds every e-mail the portal sends, across all scopes. Ask a tenant PIM administrator if you are missing a message.
        </Notice>
      </div>
    );
  }
  const sp = singleValues(await searchParams, ['status', 'after', 'before'] as const);
  const status = STATUSES.includes(sp.status as Status) ? (sp.status as Status) : undefined;
  const token = sp.after ?? sp.before;
  const key = token === undefined ? null : decodeCursor(token, KEY_SHAPE);
  const problem = token !== undefined && !key ? 'That page link is not one of this list’s; showing the newest e-mails.' : null;
  const page = outboxPage(getDb(), status, key ? (sp.after !== undefined ? { after: key } : { before: key }) : {}, PAGE);
  const rows = page.rows;
  // the status links pass their own status (undefined for All); the pager keeps the current one
  const href = (extra: Record<string, string>, s: Status | undefined = status) =>
    `/admin/outbox?${new URLSearchParams({ ...(s ? { status: s } : {}), ...extra })}`;
  const smtp = Boolean(config().smtpUrl);

  return (
    <div className="space-y-4">
      <PageHeader
        title="Outbox"
        description={
          smtp
            ? 'E-mails go out through the configured SMTP server; failed ones are retried and show their error here.'
            : 'No SMTP server is configured (ELEVATE_SMTP_URL), so e-mails stay here instead of being sent.'
        }
      />
      {problem && <Notice tone="warning">{problem}</Notice>}
      <nav aria-label="Filter by status" className="flex flex-wrap gap-2 text-sm">
        {[undefined, ...STATUSES].map((s) => (
          <Link
            key={s ?? 'all'}
            href={s ? href({}, s) : '/admin/outbox'}
            aria-current={s === status ? 'page' : undefined}
            className={buttonClass(s === status ? 'primary' : 'secondary', 'px-2 py-1')}
          >
            {s ? LABEL[s].text : 'All'}
          </Link>
        ))}
      </nav>
      {rows.length === 0 ? (
        <EmptyState>{status ? 'No e-mail with this status.' : 'No e-mail yet. Requests, decisions and time-outs send them.'}</EmptyState>
      ) : (
        <ul className="space-y-2">
          {rows.map((m) => (
            <li key={m.id} className="rounded-lg border border-[var(--border)] bg-[var(--surface)] p-3 text-sm">
              <details>
                <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1">
                  <Badge state={LABEL[m.status].state}>{LABEL[m.status].text}</Badge>
                  <span className="font-medium">{m.subject}</span>
                  <span className="text-[var(--muted)]">to {m.to}</span>
                  <span className="ml-auto text-xs text-[var(--muted)]">
                    <Time at={m.createdAt} />
                  </span>
                </summary>
                <div className="mt-3 space-y-2 border-t border-[var(--border)] pt-3">
                  <pre className="whitespace-pre-wrap break-words font-sans">{m.text}</pre>
                  {m.link && (
                    <p>
                      Link: <span className="break-all font-mono text-xs">{m.link}</span>
                    </p>
                  )}
                  <p className="text-xs text-[var(--muted)]">
                    Attempts: {m.attempts}
                    {m.sentAt ? (
                      <>
                        {' '}
                        · sent <Time at={m.sentAt} />
                      </>
                    ) : null}
                    {m.error && m.status === 'failed' ? ` · error: ${m.error}` : ''}
                  </p>
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}
      {(page.prev || page.next) && (
        <nav aria-label="Pages" className="flex items-center gap-2 text-sm">
          {page.prev && (
            <Link className={buttonClass('secondary')} href={href({ before: page.prev })}>
              Previous page
            </Link>
          )}
          {page.next && (
            <Link className={buttonClass('secondary')} href={href({ after: page.next })}>
              Next page
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
