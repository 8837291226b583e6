import 'server-only';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { auditActions, queryAudit, type AuditFilters } from '@/lib/audit/query';
import { parseAuditSearch, auditQueryString, type RawSearch } from '@/lib/audit/filters';
import { scopePathText } from '@/lib/portal/scope-path';
import type { AuditViewProps } from '@/components/admin/audit-view';
import type { AdminContext } from './context';

/** Everything the AuditView needs for one audit page, with `fixed` filters the viewer cannot widen (scope, "mine"). */
export function auditViewProps(ctx: AdminContext, raw: RawSearch, fixed: Partial<AuditFilters>, basePath: string, baseParams: Record<string, string>, exportParams: Record<string, string>): AuditViewProps {
  const db = getDb();
  const { filters, page, sp, problems } = parseAuditSearch(raw);
  const result = queryAudit(db, { ...filters, ...fixed }, page);
  const people = db.select({ id: users.id, name: users.displayName }).from(users).orderBy(users.displayName).all();
  const roles = [...ctx.index.roles.values()].map((r) => ({ id: r.id, name: r.name }));
  return {
    ...result, sp, problems, basePath, baseParams, people, roles, actions: auditActions(db),
    exportHref: `/admin/audit/export?${auditQueryString(sp, exportParams)}`,
    scopeText: (id) => scopePathText(ctx.index, id),
  };
}
