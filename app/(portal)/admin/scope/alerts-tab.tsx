import { getDb } from '@/lib/db';
import { alertsFor } from '@/lib/alerts';
import { Card } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { AlertList, AlertPager } from '@/components/admin/alert-list';
import type { AdminContext } from '../_lib/context';
import { pageParam } from '../_lib/search';

const PER_PAGE = 25;

/** The alerts at this scope and below: a slice of the scan kept per tenant change, worst first. */
export function AlertsTab({ ctx, scopeId, pageRaw }: { ctx: AdminContext; scopeId: string; pageRaw?: string }) {
  const { page, problem } = pageParam(pageRaw);
  const alerts = alertsFor(getDb(), ctx.user.id, ctx.now, { within: scopeId, offset: (page - 1) * PER_PAGE, limit: PER_PAGE });
  return (
    <Card title="Alerts at this scope and below">
      {problem && <Notice tone="warning">{problem}</Notice>}
      <AlertList alerts={alerts.items} empty="No alerts here or below." />
      <div className="mt-3">
        <AlertPager
          page={page}
          pageSize={PER_PAGE}
          total={alerts.total}
          href={(p) => `/admin/scope?id=${encodeURIComponent(scopeId)}&tab=alerts&page=${p}`}
        />
      </div>
    </Card>
  );
}
