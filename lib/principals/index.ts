import 'server-only';
import { and, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { groups, users } from '@/db/schema';
import { managementAccess, type PrincipalRef } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { ElevateError } from '@/lib/errors';
import { requirePimAdmin } from '@/lib/resources/access';
import { containsPattern } from '@/lib/users/paging';
import { MEMBER_COUNT_CAP, cappedMembers } from '@/lib/groups/list';

/**
 * Search-as-you-type for every principal picker (assignment form, approvers in role
 * settings, adding a group member). It reads at most a few dozen index entries for a
 * prefix and stops a substring scan as soon as it has enough, so a keystroke costs the
 * same whatever the tenant's size; no picker ever holds the whole directory.
 */

/** Most matches a picker shows: enough to choose from, few enough to read by keyboard. */
export const PICKER_LIMIT = 20;

export interface PrincipalMatch {
  /** what the forms submit: "User:<id>" or "Group:<id>" */
  value: string;
  label: string;
  detail?: string;
}

export interface PrincipalSearch {
  q: string;
  kind?: 'all' | 'user' | 'group';
  /** the scope the picker serves: management access there authorizes the search */
  scopeId?: string;
  /** leave out users already in this group (the add-member picker) */
  notInGroup?: string;
  limit?: number;
}

/**
 * Who may search: whoever may manage PIM at the picker's scope (they assign and name
 * approvers there); without a scope, or to look inside a group, tenant PIM administrators,
 * who manage users and groups.
 */
function authorize(db: DbOrTx, actorId: string, input: PrincipalSearch, now: number) {
  const index = policyIndex(db);
  if (input.scopeId && !input.notInGroup) {
    if (!managementAccess(index, actorId, input.scopeId.toLowerCase(), now).allowed) {
      throw new ElevateError('AuthorizationFailed', 'You do not have PIM management access on that scope.');
    }
    return;
  }
  requirePimAdmin(index, actorId);
}

/** Upper bound of a case-insensitive prefix range: above every string that starts with `q`. */
const MAX_CHAR = '\u{10FFFF}';

interface Hit {
  value: string;
  label: string;
  detail?: string;
  prefix: boolean;
}

function userHits(db: DbOrTx, q: string, limit: number, notInGroup?: string): Hit[] {
  const base = and(
    eq(users.disabled, false),
    notInGroup
      ? sql`NOT EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = ${notInGroup} AND gm.user_id = "users"."id")`
      : undefined,
  );
  const cols = { id: users.id, label: users.displayName, detail: users.email };
  const byName = [sql`${users.displayName} COLLATE NOCASE`, users.id];
  const read = (where: SQL | undefined, n: number, order = byName) =>
    n <= 0
      ? []
      : db
          .select(cols)
          .from(users)
          .where(and(base, where))
          .orderBy(...order)
          .limit(n)
          .all();
  if (!q) return read(undefined, limit).map((u) => ({ value: `User:${u.id}`, label: u.label, detail: u.detail, prefix: true }));
  const lower = q.toLowerCase();
  // prefixes first (index ranges on users_by_name and users_email_nocase), then "contains" fills up
  const prefix = new Map<string, { id: string; label: string; detail: string }>();
  for (const u of read(sql`${users.displayName} >= ${q} COLLATE NOCASE AND ${users.displayName} < ${q + MAX_CHAR} COLLATE NOCASE`, limit))
    prefix.set(u.id, u);
  for (const u of read(sql`lower(${users.email}) >= ${lower} AND lower(${users.email}) < ${lower + MAX_CHAR}`, limit, [
    sql`lower(${users.email})`,
  ]))
    prefix.set(u.id, u);
  const found = [...prefix.keys()];
  const p = containsPattern(q);
  const rest = read(
    and(
      sql`(${users.displayName} LIKE ${p} ESCAPE '\\' OR ${users.email} LIKE ${p} ESCAPE '\\')`,
      found.length ? notInArray(users.id, found) : undefined,
    ),
    limit - found.length,
  );
  return [
    ...[...prefix.values()].map((u) => ({ value: `User:${u.id}`, label: u.label, detail: u.detail, prefix: true })),
    ...rest.map((u) => ({ value: `User:${u.id}`, label: u.label, detail: u.detail, prefix: false })),
  ];
}

function groupHits(db: DbOrTx, q: string, limit: number): Hit[] {
  const cols = { id: groups.id, label: groups.name, members: cappedMembers(MEMBER_COUNT_CAP) };
  const read = (where: SQL | undefined, n: number) =>
    n <= 0
      ? []
      : db
          .select(cols)
          .from(groups)
          .where(where)
          .orderBy(sql`${groups.name} COLLATE NOCASE`, groups.id)
          .limit(n)
          .all();
  const hit =
    (prefix: boolean) =>
    (g: { id: string; label: string; members: number }): Hit => ({
      value: `Group:${g.id}`,
      label: g.label,
      prefix,
      detail: g.members > MEMBER_COUNT_CAP ? `${MEMBER_COUNT_CAP}+ members` : `${g.members} member${g.members === 1 ? '' : 's'}`,
    });
  if (!q) return read(undefined, limit).map(hit(true));
  const prefix = read(sql`${groups.name} >= ${q} COLLATE NOCASE AND ${groups.name} < ${q + MAX_CHAR} COLLATE NOCASE`, limit);
  const ids = prefix.map((g) => g.id);
  const rest = read(
    and(sql`${groups.name} LIKE ${containsPattern(q)} ESCAPE '\\'`, ids.length ? notInArray(groups.id, ids) : undefined),
    limit - prefix.length,
  );
  return [...prefix.map(hit(true)), ...rest.map(hit(false))];
}

/**
 * Enabled users (by display name or e-mail) and groups (by name) matching `q`: names that
 * start with it first, then names that contain it, each part in name order; at most
 * `limit` (PICKER_LIMIT) in all. Throws AuthorizationFailed for a caller who may not pick.
 */
export function searchPrincipals(db: DbOrTx, actorId: string, input: PrincipalSearch, now: number): PrincipalMatch[] {
  authorize(db, actorId, input, now);
  const limit = Math.min(Math.max(1, input.limit ?? PICKER_LIMIT), PICKER_LIMIT);
  const q = input.q.trim();
  const kind = input.notInGroup ? 'user' : (input.kind ?? 'all');
  const hits = [...(kind !== 'group' ? userHits(db, q, limit, input.notInGroup) : []), ...(kind !== 'user' ? groupHits(db, q, limit) : [])];
  const byName = (a: Hit, b: Hit) => a.label.localeCompare(b.label, 'en', { sensitivity: 'base' }) || a.value.localeCompare(b.value);
  return [...hits.filter((h) => h.prefix).sort(byName), ...hits.filter((h) => !h.prefix).sort(byName)]
    .slice(0, limit)
    .map(({ value, label, detail }) => ({ value, label, detail }));
}

/**
 * Names for principals a form already holds (the approvers named in settings), read by
 * id: what the picker shows for its current choices without loading anyone else.
 * Unknown ids keep a visible placeholder, so a removed approver can still be unticked.
 */
export function principalLabels(db: DbOrTx, refs: readonly PrincipalRef[]): PrincipalMatch[] {
  const userIds = refs.filter((r) => r.type === 'User').map((r) => r.id);
  const groupIds = refs.filter((r) => r.type === 'Group').map((r) => r.id);
  const found = new Map<string, { label: string; detail?: string }>();
  if (userIds.length) {
    for (const u of db
      .select({ id: users.id, label: users.displayName, detail: users.email })
      .from(users)
      .where(inArray(users.id, userIds))
      .all())
      found.set(`User:${u.id}`, u);
  }
  if (groupIds.length) {
    for (const g of db.select({ id: groups.id, label: groups.name }).from(groups).where(inArray(groups.id, groupIds)).all())
      found.set(`Group:${g.id}`, { label: g.label });
  }
  return refs.map((r) => {
    const value = `${r.type}:${r.id}`;
    const f = found.get(value);
    return f
      ? { value, label: f.label, ...(f.detail ? { detail: f.detail } : {}) }
      : { value, label: `Unknown ${r.type === 'User' ? 'user' : 'group'}`, detail: r.id };
  });
}
