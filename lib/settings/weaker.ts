import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  compareSettings,
  DEFAULT_SETTINGS,
  nodeOf,
  settingsAtNode,
  weakerCriteria,
  type PolicyIndex,
  type RoleSettings,
  type WeakerChild,
} from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { countBelow, managedBelow } from '@/lib/resources/levels';

/** Columns of the boolean settings the weaker rule compares (lib/policy/weaker.ts DEMANDS). */
const COLUMN: Partial<Record<keyof RoleSettings, string>> = {
  approvalRequired: 'approval_required',
  activationRequireMfa: 'activation_require_mfa',
  activationRequireJustification: 'activation_require_justification',
  activationRequireTicket: 'activation_require_ticket',
};

/** The engine's weaker rule for one parent's settings, as a predicate over a role_settings row `rs`. */
function weakerThan(parent: RoleSettings): SQL {
  const c = weakerCriteria(parent);
  const parts = c.demands.map((k) => {
    const col = COLUMN[k];
    if (!col) throw new Error(`no column for setting ${k}`);
    return sql.raw(`rs.${col} = 0`);
  });
  parts.push(sql`rs.activation_max_minutes > ${c.maxMinutes}`);
  return sql`(${sql.join(parts, sql` OR `)})`;
}

/** Strictly below the scope, as a join on the path index (one range), and managed. */
function below(scopeId: string, scopeManaged: boolean): SQL {
  const range = sql`r.path > s.path AND r.path < substr(s.path, 1, length(s.path) - 1) || '0'`;
  return scopeManaged ? range : sql`${range} AND ${managedBelow(sql`r`, scopeId)}`;
}

export interface WeakerChildren {
  /** how many managed child scopes demand less, in all */
  total: number;
  /** the first of them in tree order, with the engine's reasons */
  shown: WeakerChild[];
}

/**
 * Rule 9 for one scope-role, from SQL instead of a walk of the subtree: the child scopes
 * with explicit settings for the role that demand less (their role_settings rows, found
 * by role and path range), plus — when the built-in defaults demand less than this scope
 * — every managed child scope without explicit settings (a count over the path index).
 * Only the rows shown are compared by the engine, for its reasons.
 */
export function weakerChildrenSql(db: DbOrTx, index: PolicyIndex, scopeId: string, roleId: string, limit = 20): WeakerChildren {
  const node = nodeOf(index, scopeId);
  if (!node) return { total: 0, shown: [] };
  const id = node.fact.id;
  const parent = settingsAtNode(node, id, roleId).settings;
  const defaultsWeaker = compareSettings(parent, DEFAULT_SETTINGS, id, id, roleId).length > 0;
  const where = below(id, node.managed);
  const fromExplicit = sql`FROM role_settings rs JOIN resources r ON r.id = rs.scope_id, resources s
    WHERE s.id = ${id} AND rs.role_id = ${roleId} AND ${where}`;
  const explicitWeaker = db.get<{ n: number }>(sql`SELECT count(*) AS n ${fromExplicit} AND ${weakerThan(parent)}`)?.n ?? 0;
  let total = explicitWeaker;
  let ids: string[];
  if (defaultsWeaker) {
    const explicitAll = db.get<{ n: number }>(sql`SELECT count(*) AS n ${fromExplicit}`)?.n ?? 0;
    total += countBelow(db, id, { managedOnly: true, managedHere: node.managed }) - explicitAll;
    // most rows qualify: walk the subtree in path order and stop at `limit`
    ids = db
      .all<{ id: string }>(
        sql`
      SELECT r.id AS id FROM resources s, resources r LEFT JOIN role_settings rs ON rs.scope_id = r.id AND rs.role_id = ${roleId}
       WHERE s.id = ${id} AND ${where} AND (rs.id IS NULL OR ${weakerThan(parent)})
       ORDER BY r.path LIMIT ${limit}`,
      )
      .map((r) => r.id);
  } else {
    ids = db
      .all<{ id: string }>(sql`SELECT r.id AS id ${fromExplicit} AND ${weakerThan(parent)} ORDER BY r.path LIMIT ${limit}`)
      .map((r) => r.id);
  }
  const shown: WeakerChild[] = [];
  for (const childId of ids) {
    const child = nodeOf(index, childId);
    if (!child) continue;
    const g = settingsAtNode(child, childId, roleId);
    shown.push({ scopeId: childId, roleId, explicit: g.explicit, reasons: compareSettings(parent, g.settings, id, childId, roleId) });
  }
  return { total, shown };
}

/** weakerChildrenSql with the current index: for pages and tests. */
export const weakerChildrenOf = (db: DbOrTx, scopeId: string, roleId: string, limit?: number) =>
  weakerChildrenSql(db, policyIndex(db), scopeId.toLowerCase(), roleId, limit);
