import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { groups, users } from '@/db/schema';
import { managementAccess, type PolicyIndex } from '@/lib/policy';

/**
 * The audit's Actor and Principal filters are search boxes, not lists of the directory:
 * what someone typed (an e-mail, a name, the start of one, or an id from a link) becomes
 * one user or group through a few index look-ups, or a short list to pick from.
 *
 * What a box may find depends on who is looking (see peopleReach): an administrator of
 * what the view shows searches the directory, as the principal picker lets them
 * (lib/principals); anyone else finds only the people in their own events, and never
 * sees another person's e-mail address.
 */

export interface PersonChoice {
  id: string;
  type: 'User' | 'Group';
  name: string;
  /**
   * what the search box shows for this choice: unique, so submitting it again finds the
   * same one. A user's e-mail where the viewer may see it, else their name (or, when the
   * name is shared, their id).
   */
  text: string;
}

export type Resolved = { kind: 'one'; choice: PersonChoice } | { kind: 'many'; choices: PersonChoice[] } | { kind: 'none' };

/**
 * Whom the boxes may find: the whole directory, or only the people who appear (as actor
 * or principal) in events that involve `viewerId` — the people their own audit shows.
 */
export type PeopleReach = { kind: 'directory' } | { kind: 'met'; viewerId: string };

/** Who is looking at which audit view. */
export interface AuditViewer {
  userId: string;
  /** the view's fixed filters: a resource audit (scopeId), my audit (involving), or the tenant audit (neither) */
  view: { scopeId?: string; involving?: string };
  index: PolicyIndex;
  now: number;
}

/**
 * The authorization of the principal picker (lib/principals), applied to the audit's
 * boxes: PIM management access at the scope of a resource audit, or a tenant PIM
 * administrator elsewhere, may search the directory. Anyone else — everyone's own audit,
 * or a view the page should not have shown them — finds only the people of their own events.
 */
export function peopleReach(v: AuditViewer): PeopleReach {
  if (v.view.scopeId) {
    if (managementAccess(v.index, v.userId, v.view.scopeId.toLowerCase(), v.now).allowed) return { kind: 'directory' };
  } else {
    const u = v.index.users.get(v.userId);
    if (u && !u.disabled && u.isPimAdmin) return { kind: 'directory' };
  }
  return { kind: 'met', viewerId: v.userId };
}

/** Choices offered when a word names several people. */
export const CHOICES_SHOWN = 8;
/** Above every string that starts with the typed text (case-insensitive range upper bound). */
const MAX_CHAR = '\u{10FFFF}';

const userChoice = (u: { id: string; name: string; email: string }): PersonChoice => ({
  id: u.id,
  type: 'User',
  name: u.name,
  text: u.email,
});
const groupChoice = (g: { id: string; name: string }): PersonChoice => ({ id: g.id, type: 'Group', name: g.name, text: g.name });
const userCols = { id: users.id, name: users.displayName, email: users.email };
const groupCols = { id: groups.id, name: groups.name };

/** One user or group (groups only when `withGroups`) for the typed text, among those `reach` allows. */
export function resolvePerson(db: DbOrTx, typed: string, opts: { withGroups: boolean; reach: PeopleReach }): Resolved {
  const q = typed.trim();
  if (!q) return { kind: 'none' };
  if (opts.reach.kind === 'met') return resolveMet(db, q, opts.withGroups, opts.reach.viewerId);
  return resolveInDirectory(db, q, opts.withGroups);
}

/** Anyone in the directory: index ranges only. */
function resolveInDirectory(db: DbOrTx, q: string, withGroups: boolean): Resolved {
  // an id, as links carry it
  const byId = db.select(userCols).from(users).where(eq(users.id, q)).get();
  if (byId) return { kind: 'one', choice: userChoice(byId) };
  const groupById = withGroups ? db.select(groupCols).from(groups).where(eq(groups.id, q)).get() : undefined;
  if (groupById) return { kind: 'one', choice: groupChoice(groupById) };

  const lower = q.toLowerCase();
  // an exact e-mail (users_email_nocase), display name (users_by_name) or group name (groups_by_name)
  const exact = [
    ...db
      .select(userCols)
      .from(users)
      .where(sql`lower(${users.email}) = ${lower}`)
      .limit(CHOICES_SHOWN)
      .all()
      .map(userChoice),
    ...db
      .select(userCols)
      .from(users)
      .where(sql`${users.displayName} = ${q} COLLATE NOCASE`)
      .limit(CHOICES_SHOWN)
      .all()
      .map(userChoice),
    ...(withGroups
      ? db
          .select(groupCols)
          .from(groups)
          .where(sql`${groups.name} = ${q} COLLATE NOCASE`)
          .limit(CHOICES_SHOWN)
          .all()
          .map(groupChoice)
      : []),
  ];
  const found = dedupe(exact);
  if (found.length === 1) return { kind: 'one', choice: found[0] };
  if (found.length > 1) return { kind: 'many', choices: found.slice(0, CHOICES_SHOWN) };

  // the start of a name or e-mail
  const prefix = dedupe([
    ...db
      .select(userCols)
      .from(users)
      .where(sql`${users.displayName} >= ${q} COLLATE NOCASE AND ${users.displayName} < ${q + MAX_CHAR} COLLATE NOCASE`)
      .orderBy(sql`${users.displayName} COLLATE NOCASE`, users.id)
      .limit(CHOICES_SHOWN + 1)
      .all()
      .map(userChoice),
    ...db
      .select(userCols)
      .from(users)
      .where(sql`lower(${users.email}) >= ${lower} AND lower(${users.email}) < ${lower + MAX_CHAR}`)
      .orderBy(sql`lower(${users.email})`)
      .limit(CHOICES_SHOWN + 1)
      .all()
      .map(userChoice),
    ...(withGroups
      ? db
          .select(groupCols)
          .from(groups)
          .where(sql`${groups.name} >= ${q} COLLATE NOCASE AND ${groups.name} < ${q + MAX_CHAR} COLLATE NOCASE`)
          .orderBy(sql`${groups.name} COLLATE NOCASE`, groups.id)
          .limit(CHOICES_SHOWN + 1)
          .all()
          .map(groupChoice)
      : []),
  ]);
  if (prefix.length === 1) return { kind: 'one', choice: prefix[0] };
  if (prefix.length > 1) return { kind: 'many', choices: prefix.slice(0, CHOICES_SHOWN) };
  return { kind: 'none' };
}

interface MetRow {
  type: 'User' | 'Group';
  id: string;
  name: string;
  email: string | null;
  rank: number;
}

/**
 * The people of the viewer's own events — the viewer, the principals of what they did,
 * the actors of what was done to them — matching `q` by exact id, exact e-mail, exact
 * name or the start of a name (never the start of an e-mail: that would spell out
 * addresses the viewer is not shown). One statement; it reads the viewer's events once
 * through the (actor_id, at) and (principal_id, at) indexes, never the directory.
 * Ranked: 0 the id, 1 an exact e-mail or name, 2 a name's start.
 */
function metMatches(db: DbOrTx, q: string, withGroups: boolean, me: string): MetRow[] {
  const lower = q.toLowerCase();
  const upper = q + MAX_CHAR;
  const groupsPart = withGroups
    ? sql`UNION ALL
      SELECT 'Group', g.id, g.name, NULL,
        CASE WHEN g.id = ${q} THEN 0 WHEN g.name = ${q} COLLATE NOCASE THEN 1 ELSE 2 END
      FROM met JOIN ${groups} g ON g.id = met.id
      WHERE g.id = ${q} OR (g.name >= ${q} COLLATE NOCASE AND g.name < ${upper} COLLATE NOCASE)`
    : sql``;
  return db.all<MetRow>(sql`WITH met(id) AS (
      SELECT ${me}
      UNION SELECT principal_id FROM audit_events WHERE actor_id = ${me} AND principal_id IS NOT NULL
      UNION SELECT actor_id FROM audit_events WHERE principal_id = ${me} AND actor_id IS NOT NULL
    )
    SELECT type, id, name, email, rank FROM (
      SELECT 'User' AS type, u.id AS id, u.display_name AS name, u.email AS email,
        CASE WHEN u.id = ${q} THEN 0 WHEN lower(u.email) = ${lower} OR u.display_name = ${q} COLLATE NOCASE THEN 1 ELSE 2 END AS rank
      FROM met JOIN ${users} u ON u.id = met.id
      WHERE u.id = ${q} OR lower(u.email) = ${lower} OR (u.display_name >= ${q} COLLATE NOCASE AND u.display_name < ${upper} COLLATE NOCASE)
      ${groupsPart}
    ) ORDER BY rank, name COLLATE NOCASE, type DESC, id
    LIMIT ${CHOICES_SHOWN + 1}`);
}

/** Someone the viewer met: their own e-mail is theirs to see; anyone else shows by name. */
function metChoice(r: MetRow, me: string): PersonChoice {
  return { id: r.id, type: r.type, name: r.name, text: r.type === 'User' && r.id === me && r.email ? r.email : r.name };
}

function resolveMet(db: DbOrTx, q: string, withGroups: boolean, me: string): Resolved {
  const rows = metMatches(db, q, withGroups, me);
  if (!rows.length) return { kind: 'none' };
  const best = rows.filter((r) => r.rank === rows[0].rank);
  if (best.length > 1 && rows[0].rank > 0) return { kind: 'many', choices: best.slice(0, CHOICES_SHOWN).map((r) => metChoice(r, me)) };
  const choice = metChoice(best[0], me);
  if (choice.text === choice.name) {
    // a name shared with someone else the viewer met would not find this one again: the box keeps the id
    const again = metMatches(db, choice.text, withGroups, me).filter((r) => r.rank <= 1);
    if (again.length !== 1 || again[0].id !== choice.id) choice.text = choice.id;
  }
  return { kind: 'one', choice };
}

function dedupe(list: PersonChoice[]): PersonChoice[] {
  const seen = new Map<string, PersonChoice>();
  for (const c of list) seen.set(`${c.type}:${c.id}`, c);
  return [...seen.values()];
}
