import 'server-only';
import { getDb } from '@/lib/db';
import { auditPage, type AuditFilters } from '@/lib/audit/query';
import { resolveAuditSearch } from '@/lib/audit/search';
import { auditQueryString, type RawSearch } from '@/lib/audit/filters';
import { scopePathText } from '@/lib/portal/scope-path';
import type { AuditViewProps } from '@/components/admin/audit-view';
import type { AdminContext } from './context';

/**
 * Everything the AuditView needs for one audit page, with `fixed` filters the viewer
 * cannot widen (scope, "mine"). One page of 50 events from SQL; filter choices from
 * indexed look-ups (event types, roles), never from the log or the whole directory.
 */
export function auditViewProps(
  ctx: AdminContext,
  raw: RawSearch,
  fixed: Pick<AuditFilters, 'scopeId' | 'involving'>,
  basePath: string,
  baseParams: Record<string, string>,
  exportParams: Record<string, string>,
): AuditViewProps {
  const db = getDb();
  // the Actor and Principal boxes find what this viewer may see in this view (lib/audit/people)
  const search = resolveAuditSearch(db, raw, { userId: ctx.user.id, view: fixed, index: ctx.index, now: ctx.now });
  const page = auditPage(db, { ...search.filters, ...fixed }, search.seek);
  const roles = [...ctx.index.roles.values()].map((r) => ({ id: r.id, name: r.name })).sort((a, b) => a.name.localeCompare(b.name));
  return {
    rows: page.rows,
    next: page.next,
    prev: page.prev,
    paged: page.prev !== null,
    sp: search.sp,
    typed: search.typed,
    choices: search.choices,
    problems: search.problems,
    basePath,
    baseParams,
    roles,
    eventTypes: search.eventTypes,
    exportHref: `/admin/audit/export?${auditQueryString(search.sp, exportParams)}`,
    scopeText: (id) => scopePathText(ctx.index, id),
  };
}
