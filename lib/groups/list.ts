import 'server-only';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { groupMembers, groups, users } from '@/db/schema';
import { COUNT_CAP, PAGE_SIZE, containsPattern, keysetPage, type CappedCount, type Key, type Page, type Seek } from '@/lib/users/paging';
import { userMatches } from '@/lib/users/list';

/**
 * The groups list and one group's members for Admin › Users and groups, searched and
 * keyset-paged in SQL (indexes groups_by_name and group_members_by_added,
 * db/migrations/0004_people_lists.sql). Member counts stop at a cap, so a group of
 * 20,000 costs what a group of 20 does.
 */

/** Member counts on list rows stop here ("100+ members"). */
export const MEMBER_COUNT_CAP = 100;

export interface GroupListRow {
  id: string;
  name: string;
  description: string;
  members: CappedCount;
  /** 'scim': provisioned, its name and provisioned members owned by the identity provider */
  source: 'local' | 'scim' | 'oidc';
}

/** `SELECT count(*)` of a group's members that stops after `cap` + 1 index entries. */
// spelled out: in a select list drizzle writes ${groups.id} unqualified, which the subquery would not see as the outer row
export const cappedMembers = (cap: number) =>
  sql<number>`(SELECT count(*) FROM (SELECT 1 FROM group_members m WHERE m.group_id = "groups"."id" LIMIT ${cap + 1}))`;
const capped = (n: number, cap: number): CappedCount => (n > cap ? { n: cap, more: true } : { n, more: false });

export function groupMatches(q: string): SQL | undefined {
  return q ? sql`${groups.name} LIKE ${containsPattern(q)} ESCAPE '\\'` : undefined;
}

function groupSeek(dir: 'forward' | 'backward', from: Key | null): SQL | undefined {
  if (!from) return undefined;
  return dir === 'forward'
    ? sql`(${groups.name}, ${groups.id}) > (${from[0]} COLLATE NOCASE, ${from[1]})`
    : sql`(${groups.name}, ${groups.id}) < (${from[0]} COLLATE NOCASE, ${from[1]})`;
}

/** One page of groups whose name contains `q`, in name order, each with a capped member count. */
export function listGroupsPage(db: DbOrTx, opts: { q?: string; seek?: Seek; size?: number } = {}): Page<GroupListRow> {
  const q = opts.q ?? '';
  const page = keysetPage(
    opts.seek ?? {},
    opts.size ?? PAGE_SIZE,
    (dir, from, limit) =>
      db
        .select({
          id: groups.id,
          name: groups.name,
          description: groups.description,
          source: groups.source,
          members: cappedMembers(MEMBER_COUNT_CAP),
        })
        .from(groups)
        .where(and(groupMatches(q), groupSeek(dir, from)))
        .orderBy(
          ...(dir === 'forward'
            ? [sql`${groups.name} COLLATE NOCASE ASC`, sql`${groups.id} ASC`]
            : [sql`${groups.name} COLLATE NOCASE DESC`, sql`${groups.id} DESC`]),
        )
        .limit(limit)
        .all(),
    (g) => [g.name, g.id],
  );
  return { ...page, rows: page.rows.map((g) => ({ ...g, members: capped(g.members, MEMBER_COUNT_CAP) })) };
}

export function countGroups(db: DbOrTx, q = ''): CappedCount {
  const where = groupMatches(q) ?? sql`1`;
  return capped(
    db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${groups} WHERE ${where} LIMIT ${COUNT_CAP + 1})`).n,
    COUNT_CAP,
  );
}

/** One group with its member count (up to COUNT_CAP), or null when it does not exist. */
export function getGroupSummary(db: DbOrTx, groupId: string): GroupListRow | null {
  const g = db
    .select({ id: groups.id, name: groups.name, description: groups.description, source: groups.source, members: cappedMembers(COUNT_CAP) })
    .from(groups)
    .where(eq(groups.id, groupId))
    .get();
  return g ? { ...g, members: capped(g.members, COUNT_CAP) } : null;
}

export interface MemberRow {
  id: string;
  displayName: string;
  email: string;
  disabled: boolean;
  addedAt: number;
}

/**
 * One page of a group's members matching `q` (name or e-mail), most recently added first.
 * The order follows the membership index, so a page never sorts the whole group.
 */
export function listMembersPage(db: DbOrTx, groupId: string, opts: { q?: string; seek?: Seek; size?: number } = {}): Page<MemberRow> {
  const q = opts.q ?? '';
  return keysetPage(
    opts.seek ?? {},
    opts.size ?? PAGE_SIZE,
    (dir, from, limit) => {
      // newest first: "forward" walks the index downwards
      const seek = !from
        ? undefined
        : dir === 'forward'
          ? sql`(${groupMembers.addedAt}, ${groupMembers.userId}) < (${from[0]}, ${from[1]})`
          : sql`(${groupMembers.addedAt}, ${groupMembers.userId}) > (${from[0]}, ${from[1]})`;
      const order =
        dir === 'forward'
          ? [sql`${groupMembers.addedAt} DESC`, sql`${groupMembers.userId} DESC`]
          : [sql`${groupMembers.addedAt} ASC`, sql`${groupMembers.userId} ASC`];
      return db
        .select({
          id: users.id,
          displayName: users.displayName,
          email: users.email,
          disabled: users.disabled,
          addedAt: groupMembers.addedAt,
        })
        .from(groupMembers)
        .innerJoin(users, eq(users.id, groupMembers.userId))
        .where(and(eq(groupMembers.groupId, groupId), userMatches(q), seek))
        .orderBy(...order)
        .limit(limit)
        .all();
    },
    (m) => [m.addedAt, m.id],
  );
}
