import Link from 'next/link';
import type { AlertView } from '@/lib/alerts';
import { EmptyState } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';

/** Security alerts, each with what is behind it and a link to the fix. */
export function AlertList({ alerts, empty = 'No alerts. Nothing needs your attention.' }: { alerts: AlertView[]; empty?: string }) {
  if (!alerts.length) return <EmptyState>{empty}</EmptyState>;
  return (
    <ul className="space-y-3" aria-label="Alerts">
      {alerts.map((a, i) => (
        <li key={`${a.alert.type}-${a.alert.scopeId}-${a.alert.roleId}-${i}`} className={`rounded-md border-l-4 bg-[var(--surface)] p-3 ${a.severity === 'high' ? 'border-red-600' : 'border-amber-500'}`}>
          <p className="text-sm font-medium"><span className="mr-2 text-xs uppercase tracking-wide">{a.severity === 'high' ? 'High' : 'Medium'}</span>{a.title}</p>
          {a.detail.length > 0 && (
            <ul className="ml-4 mt-1 list-disc text-xs text-[var(--muted)]">
              {a.detail.slice(0, 8).map((d) => <li key={d}>{d}</li>)}
              {a.detail.length > 8 && <li>…and {a.detail.length - 8} more</li>}
            </ul>
          )}
          <Link href={a.fixHref} className={buttonClass('secondary', 'mt-2 px-2 py-1 text-xs')}>{a.fixLabel}</Link>
        </li>
      ))}
    </ul>
  );
}
