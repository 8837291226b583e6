import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { ArmContext } from './context';
import type { ArmFilter } from './filter';
import { managedRegion, frameOf, type Frame, type Region } from './tree-sql';
import { principalIsMine, principalIsUser, viewerOf } from './viewer';

/** Pieces every SQL list builds its query from: the frame, `$filter` comparisons, visibility. */

export function frameOfCall(ctx: ArmContext): Frame {
  return frameOf({ key: ctx.scope!.key, path: ctx.scope!.path });
}

/**
 * An id compared as the in-memory lists did (case-insensitively) while staying an index
 * lookup: ids are stored lower case, so the value as given and lower-cased cover it.
 */
export function idEquals(column: string, value: string): SQL {
  const values = [...new Set([value, value.toLowerCase()])];
  return sql`${sql.raw(column)} IN (${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

/**
 * The `asTarget()`, `assignedTo('{userId}')` and `principalId eq '…'` parts as a narrowing
 * term (null when the filter has none of them).
 */
export function principalTerms(ctx: ArmContext, f: ArmFilter): SQL | null {
  const terms: SQL[] = [];
  if (f.asTarget) terms.push(principalIsMine('t', viewerOf(ctx)));
  if (f.assignedTo !== undefined) {
    const user = ctx.db.get<{ id: string }>(sql`SELECT id FROM users WHERE id IN (${f.assignedTo}, ${f.assignedTo.toLowerCase()})`);
    // an unknown user holds nothing; their groups are as few as anyone's
    const groups = user
      ? ctx.db.all<{ g: string }>(sql`SELECT group_id AS g FROM group_members WHERE user_id = ${user.id}`).map((r) => r.g)
      : [];
    terms.push(user ? principalIsUser('t', user.id, groups) : sql`0`);
  }
  const pid = f.eq.get('principalid');
  if (pid !== undefined) terms.push(idEquals('t.principal_id', pid));
  return terms.length ? sql.join(terms, sql` AND `) : null;
}

/**
 * Visibility for a list: everything for tenant PIM administrators (and when the filter
 * already keeps the caller's own rows only), else the caller's own rows (`own`) plus the
 * part of the list under their management access.
 */
export function visibility(
  ctx: ArmContext,
  frame: Frame,
  atScope: boolean,
  own: SQL,
  ownOnly: boolean,
): { everything: true } | { own: SQL; managed: Region } {
  const v = viewerOf(ctx);
  if (v.everywhere || ownOnly) return { everything: true };
  return { own, managed: managedRegion(frame, atScope, v.roots()) };
}
