import { descendantsOf } from '@/lib/policy';
import { Card } from '@/components/ui/card';
import { AuditView } from '@/components/admin/audit-view';
import type { AdminContext } from '../_lib/context';
import { auditViewProps } from '../_lib/audit-page';
import type { ScopeSearch } from './page';

/** Resource audit: this scope and everything below it. */
export function ScopeAuditTab({ ctx, scopeId, sp }: { ctx: AdminContext; scopeId: string; sp: ScopeSearch }) {
  const scopeIds = [scopeId, ...descendantsOf(ctx.index, scopeId).map((r) => r.id)];
  const props = auditViewProps(ctx, sp, { scopeIds }, '/admin/scope', { id: scopeId, tab: 'audit' }, { scope: scopeId });
  return <Card title="Resource audit (this scope and below)"><AuditView {...props} /></Card>;
}
