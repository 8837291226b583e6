import { getDb } from '@/db';
import { alertsFor } from '@/lib/alerts';
import { Card } from '@/components/ui/card';
import { AlertList } from '@/components/admin/alert-list';
import type { AdminContext } from '../_lib/context';

export function AlertsTab({ ctx, scopeId }: { ctx: AdminContext; scopeId: string }) {
  return (
    <Card title="Alerts at this scope and below">
      <AlertList alerts={alertsFor(getDb(), ctx.user.id, ctx.now, scopeId)} empty="No alerts here or below." />
    </Card>
  );
}
