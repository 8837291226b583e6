import Link from 'next/link';
import type { AlertView } from '@/lib/alerts';
import { EmptyState } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';

/** What a list entry needs: the engine's alerts and the connectors' alerts share one look. */
type Listed = Pick<AlertView, 'severity' | 'title' | 'detail' | 'moreDetail' | 'fixHref' | 'fixLabel'> &
  ({ alert: AlertView['alert'] } | { key: string });

const keyOf = (a: Listed, i: number) => ('key' in a ? a.key : `${a.alert.type}-${a.alert.scopeId}-${a.alert.roleId}-${i}`);

/** Security alerts, each with what is behind it and a link to the fix. */
export function AlertList({
  alerts,
  empty = 'No alerts. Nothing needs your attention.',
  label = 'Alerts',
}: {
  alerts: Listed[];
  empty?: string;
  label?: string;
}) {
  if (!alerts.length) return <EmptyState>{empty}</EmptyState>;
  return (
    <ul className="space-y-3" aria-label={label}>
      {alerts.map((a, i) => (
        <li
          key={keyOf(a, i)}
          className={`rounded-md border-l-4 bg-[var(--surface)] p-3 ${a.severity === 'high' ? 'border-red-600' : 'border-amber-500'}`}
        >
          <p className="text-sm font-medium">
            <span className="mr-2 text-xs uppercase tracking-wide">{a.severity === 'high' ? 'High' : 'Medium'}</span>
            {a.title}
          </p>
          {a.detail.length > 0 && (
            <ul className="ml-4 mt-1 list-disc text-xs text-[var(--muted)]">
              {a.detail.map((d, j) => (
                <li key={j}>{d}</li>
              ))}
              {a.moreDetail > 0 && <li>…and {a.moreDetail} more</li>}
            </ul>
          )}
          <Link href={a.fixHref} className={buttonClass('secondary', 'mt-2 px-2 py-1 text-xs')}>
            {a.fixLabel}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/**
 * "Previous page" / "Next page" under a list of alerts (worst first). Alerts are kept per
 * tenant change, so a page number is stable until the next change.
 */
export function AlertPager({
  page,
  pageSize,
  total,
  href,
}: {
  page: number;
  pageSize: number;
  total: number;
  href: (page: number) => string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav aria-label="Alert pages" className="flex flex-wrap items-center gap-2 text-sm">
      {page > 1 && (
        <Link className={buttonClass('secondary', 'px-2 py-1 text-xs')} href={href(page - 1)}>
          Previous page
        </Link>
      )}
      <span className="text-[var(--muted)]">
        Page {Math.min(page, pages)} of {pages} ({total} alerts)
      </span>
      {page < pages && (
        <Link className={buttonClass('secondary', 'px-2 py-1 text-xs')} href={href(page + 1)}>
          Next page
        </Link>
      )}
    </nav>
  );
}
