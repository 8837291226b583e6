import { Card } from '@/components/ui/card';
import { AuditView } from '@/components/admin/audit-view';
import type { AdminContext } from '../_lib/context';
import { auditViewProps } from '../_lib/audit-page';
import type { ScopeSearch } from './page';

/**
 * Resource audit: this scope and everything below it, by the structural subtree predicate
 * (db/tree.ts), never a list of descendant ids. Paging reads `after` / `before` from the
 * scope page's search params.
 */
export function ScopeAuditTab({ ctx, scopeId, sp }: { ctx: AdminContext; scopeId: string; sp: ScopeSearch }) {
  const props = auditViewProps(ctx, sp, { scopeId }, '/admin/scope', { id: scopeId, tab: 'audit' }, { scope: scopeId });
  return (
    <Card title="Resource audit (this scope and below)">
      <AuditView {...props} />
    </Card>
  );
}
