import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { resources } from '@/db/schema';
import type { PolicyIndex } from '@/lib/policy';
import { scopePathText } from '@/lib/portal/scope-path';

/** Scopes the create-user form offers for "approver on"; the rest are one Settings tab away. */
export const APPROVER_SCOPES_SHOWN = 200;

/**
 * Managed management groups, then subscriptions, then resource groups, read from the
 * (tenant, kind) index up to a cap: the delegated approver flow names the scopes people
 * usually mean without reading the tenant's resource table. `more` says some were left out.
 */
export function approverScopeChoices(
  db: DbOrTx,
  index: PolicyIndex,
  tenantId: string,
  cap = APPROVER_SCOPES_SHOWN,
): { scopes: { id: string; label: string }[]; more: boolean } {
  const ids: string[] = [];
  let more = false;
  for (const kind of ['managementGroup', 'subscription', 'resourceGroup'] as const) {
    const left = cap - ids.length;
    const rows = db
      .select({ id: resources.id })
      .from(resources)
      .where(and(eq(resources.tenantId, tenantId), eq(resources.kind, kind), eq(resources.managed, true)))
      .limit(left + 1)
      .all();
    if (rows.length > left) more = true;
    ids.push(...rows.slice(0, left).map((r) => r.id));
    if (more) break;
  }
  const scopes = ids.map((id) => ({ id, label: scopePathText(index, id) })).sort((a, b) => a.label.localeCompare(b.label));
  return { scopes, more };
}
