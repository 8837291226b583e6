import 'server-only';
import { and, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { users } from '@/db/schema';
import { COUNT_CAP, PAGE_SIZE, containsPattern, keysetPage, type CappedCount, type Key, type Page, type Seek } from './paging';

/**
 * The users list of Admin › Users and groups: searched, ordered and paged in SQL (index
 * users_by_name, db/migrations/0004_people_lists.sql). Per-user facts are read for the
 * rows shown only, so a page costs the same at 20 users or 20,000.
 */

export interface UserListRow {
  id: string;
  email: string;
  displayName: string;
  disabled: boolean;
  isPimAdmin: boolean;
  mustChangePassword: boolean;
  mustEnrolMfa: boolean;
  mfaEnrolled: boolean;
  lastSignInAt: number | null;
  /** where the identity is managed: 'scim' users are provisioned, their name and e-mail owned by the identity provider */
  source: 'local' | 'scim' | 'oidc';
  /** may sign in with a password when ELEVATE_PASSWORD_SIGNIN=0 (ADR 100) */
  breakGlass: boolean;
  /** linked to a single sign-on subject (ADR 100) */
  ssoLinked: boolean;
  /** has a local password (people created by a first single sign-on have none) */
  hasPassword: boolean;
  /** the first few groups the user is in (no secrets, no whole membership lists) */
  groups: { id: string; name: string }[];
  /** in more groups than `groups` names */
  moreGroups: boolean;
}

/** Groups named per user row; the rest is "and more" (a person in 300 groups costs the same). */
export const GROUPS_SHOWN = 3;

/** Name or e-mail contains the text, case-insensitively (SQLite LIKE folds ASCII case). */
export function userMatches(q: string): SQL | undefined {
  if (!q) return undefined;
  const p = containsPattern(q);
  return sql`(${users.displayName} LIKE ${p} ESCAPE '\\' OR ${users.email} LIKE ${p} ESCAPE '\\')`;
}

/** Rows after / before a key in (display name case-insensitively, id) order: one index range. */
export function userSeek(dir: 'forward' | 'backward', from: Key | null): SQL | undefined {
  if (!from) return undefined;
  return dir === 'forward'
    ? sql`(${users.displayName}, ${users.id}) > (${from[0]} COLLATE NOCASE, ${from[1]})`
    : sql`(${users.displayName}, ${users.id}) < (${from[0]} COLLATE NOCASE, ${from[1]})`;
}

export const userOrder = (dir: 'forward' | 'backward') =>
  dir === 'forward'
    ? [sql`${users.displayName} COLLATE NOCASE ASC`, sql`${users.id} ASC`]
    : [sql`${users.displayName} COLLATE NOCASE DESC`, sql`${users.id} DESC`];

/**
 * A few of each shown user's groups, as JSON, in the same statement: a correlated subquery
 * that stops after GROUPS_SHOWN + 1 memberships, evaluated for the rows of the page only
 * (one statement, not one per row). Written out: drizzle leaves columns of a select list
 * unqualified, which the subquery would take for its own.
 */
const firstGroups = sql<string>`(SELECT json_group_array(json_array(x.id, x.name)) FROM (
  SELECT g.id, g.name FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.user_id = "users"."id" LIMIT ${GROUPS_SHOWN + 1}
) x)`;

/** One page of users matching `q` (name or e-mail), in name order, with their first groups. */
export function listUsersPage(db: DbOrTx, opts: { q?: string; seek?: Seek; size?: number } = {}): Page<UserListRow> {
  const q = opts.q ?? '';
  const size = opts.size ?? PAGE_SIZE;
  const page = keysetPage(
    opts.seek ?? {},
    size,
    (dir, from, limit) =>
      db
        .select({
          id: users.id,
          email: users.email,
          displayName: users.displayName,
          disabled: users.disabled,
          isPimAdmin: users.isPimAdmin,
          mustChangePassword: users.mustChangePassword,
          mustEnrolMfa: users.mustEnrolMfa,
          totpEnrolledAt: users.totpEnrolledAt,
          lastSignInAt: users.lastSignInAt,
          source: users.source,
          groups: firstGroups,
          breakGlass: users.breakGlass,
          ssoLinked: sql<number>`${users.oidcSub} IS NOT NULL`,
          hasPassword: sql<number>`${users.passwordHash} <> ''`,
        })
        .from(users)
        .where(and(userMatches(q), userSeek(dir, from)))
        .orderBy(...userOrder(dir))
        .limit(limit)
        .all(),
    (u) => [u.displayName, u.id],
  );
  return {
    ...page,
    rows: page.rows.map(({ totpEnrolledAt, groups: json, ssoLinked, hasPassword, ...u }) => {
      const gs = (JSON.parse(json) as [string, string][]).map(([id, name]) => ({ id, name }));
      return {
        ...u,
        ssoLinked: Boolean(ssoLinked),
        hasPassword: Boolean(hasPassword),
        mfaEnrolled: totpEnrolledAt !== null,
        groups: gs.slice(0, GROUPS_SHOWN),
        moreGroups: gs.length > GROUPS_SHOWN,
      };
    }),
  };
}

/** How many users match, counted up to COUNT_CAP. */
export function countUsers(db: DbOrTx, q = ''): CappedCount {
  const where = userMatches(q) ?? sql`1`;
  const n = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${users} WHERE ${where} LIMIT ${COUNT_CAP + 1})`).n;
  return n > COUNT_CAP ? { n: COUNT_CAP, more: true } : { n, more: false };
}
