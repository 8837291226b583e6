import { getDb } from '@/lib/db';
import { csvDownload, csvRouteUser, refuse } from '@/lib/http/csv-route';
import { policyIndex } from '@/lib/tenant/engine';
import { isTenantPimAdmin, managementAccess, nodeOf } from '@/lib/policy';
import { iterateAudit, type AuditFilters } from '@/lib/audit/query';
import { resolveAuditSearch } from '@/lib/audit/search';
import { auditCsvHeader, auditCsvRow } from '@/lib/audit/csv';
import { scopePathText } from '@/lib/portal/scope-path';

export const dynamic = 'force-dynamic';

/**
 * CSV export of an audit view: every event its filters select (the person asked for all
 * of it), streamed 500 rows per pull from a keyset iterator, so neither the log nor the
 * file sits in memory. Authenticates and authorizes by itself: `scope=` needs
 * PIM management access there (resource audit), `mine=1` is anyone's own audit, and
 * no scope is the tenant audit for tenant PIM administrators.
 */
export async function GET(req: Request) {
  const user = await csvRouteUser();
  if (user instanceof Response) return user;
  const url = new URL(req.url);
  const sp = Object.fromEntries(url.searchParams) as Record<string, string>;
  const db = getDb();
  const index = policyIndex(db);
  const now = Date.now();
  let fixed: Partial<AuditFilters> = {};
  let label = 'tenant';
  if (sp.mine === '1') {
    fixed = { involving: user.id };
    label = 'mine';
  } else if (sp.scope) {
    const node = nodeOf(index, sp.scope);
    if (!node) return refuse(404, 'That scope does not exist.');
    if (!managementAccess(index, user.id, node.fact.id, now).allowed) return refuse(403, "You don't have PIM management access here.");
    // the scope and everything below it: one structural predicate (db/tree.ts), no id list
    fixed = { scopeId: node.fact.id };
    label = node.fact.name.replace(/[^A-Za-z0-9._-]+/g, '-');
  } else if (!isTenantPimAdmin(index, user.id)) {
    return refuse(403, 'The tenant audit is for tenant PIM administrators.');
  }
  // the export has no pages; a bad date or an unknown actor must not quietly widen what is exported.
  // Resolved after authorization and as this viewer: in my audit the boxes find only the people of my events.
  const { filters, problems } = resolveAuditSearch(
    db,
    { ...sp, after: undefined, before: undefined },
    { userId: user.id, view: fixed, index, now },
  );
  if (problems.length) return refuse(400, problems.join(' '));
  const rows = iterateAudit(db, { ...filters, ...fixed });
  const encoder = new TextEncoder();
  const scopeText = (id: string) => scopePathText(index, id);
  const stream = new ReadableStream({
    pull(controller) {
      let chunk = '';
      for (let i = 0; i < 500; i++) {
        const next = rows.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += auditCsvRow(next.value, scopeText) + '\r\n';
      }
      controller.enqueue(encoder.encode(chunk));
    },
    start(controller) {
      controller.enqueue(encoder.encode('\uFEFF' + auditCsvHeader() + '\r\n'));
    },
  });
  return csvDownload(stream, `audit-${label}`, now);
}
