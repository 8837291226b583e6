import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { groups, users } from '@/db/schema';

/**
 * The audit's Actor and Principal filters are search boxes, not lists of the directory:
 * what someone typed (an e-mail, a name, the start of one, or an id from a link) becomes
 * one user or group through a few index look-ups, or a short list to pick from.
 */

export interface PersonChoice {
  id: string;
  type: 'User' | 'Group';
  name: string;
  /** what the search box shows for this choice: unique, so submitting it again finds the same one */
  text: string;
}

export type Resolved = { kind: 'one'; choice: PersonChoice } | { kind: 'many'; choices: PersonChoice[] } | { kind: 'none' };

/** Choices offered when a word names several people. */
export const CHOICES_SHOWN = 8;
/** Above every string that starts with the typed text (case-insensitive range upper bound). */
const MAX_CHAR = '\u{10FFFF}';

const userChoice = (u: { id: string; name: string; email: string }): PersonChoice => ({ id: u.id, type: 'User', name: u.name, text: u.email });
const groupChoice = (g: { id: string; name: string }): PersonChoice => ({ id: g.id, type: 'Group', name: g.name, text: g.name });
const userCols = { id: users.id, name: users.displayName, email: users.email };
const groupCols = { id: groups.id, name: groups.name };

/** One user or group (groups only when `withGroups`) for the typed text; index ranges only. */
export function resolvePerson(db: DbOrTx, typed: string, opts: { withGroups: boolean }): Resolved {
  const q = typed.trim();
  if (!q) return { kind: 'none' };
  // an id, as links carry it
  const byId = db.select(userCols).from(users).where(eq(users.id, q)).get();
  if (byId) return { kind: 'one', choice: userChoice(byId) };
  const groupById = opts.withGroups ? db.select(groupCols).from(groups).where(eq(groups.id, q)).get() : undefined;
  if (groupById) return { kind: 'one', choice: groupChoice(groupById) };

  const lower = q.toLowerCase();
  // an exact e-mail (users_email_nocase), display name (users_by_name) or group name (groups_by_name)
  const exact = [
    ...db.select(userCols).from(users).where(sql`lower(${users.email}) = ${lower}`).limit(CHOICES_SHOWN).all().map(userChoice),
    ...db.select(userCols).from(users).where(sql`${users.displayName} = ${q} COLLATE NOCASE`).limit(CHOICES_SHOWN).all().map(userChoice),
    ...(opts.withGroups ? db.select(groupCols).from(groups).where(sql`${groups.name} = ${q} COLLATE NOCASE`).limit(CHOICES_SHOWN).all().map(groupChoice) : []),
  ];
  const found = dedupe(exact);
  if (found.length === 1) return { kind: 'one', choice: found[0] };
  if (found.length > 1) return { kind: 'many', choices: found.slice(0, CHOICES_SHOWN) };

  // the start of a name or e-mail
  const prefix = dedupe([
    ...db.select(userCols).from(users).where(sql`${users.displayName} >= ${q} COLLATE NOCASE AND ${users.displayName} < ${q + MAX_CHAR} COLLATE NOCASE`)
      .orderBy(sql`${users.displayName} COLLATE NOCASE`, users.id).limit(CHOICES_SHOWN + 1).all().map(userChoice),
    ...db.select(userCols).from(users).where(sql`lower(${users.email}) >= ${lower} AND lower(${users.email}) < ${lower + MAX_CHAR}`)
      .orderBy(sql`lower(${users.email})`).limit(CHOICES_SHOWN + 1).all().map(userChoice),
    ...(opts.withGroups
      ? db.select(groupCols).from(groups).where(sql`${groups.name} >= ${q} COLLATE NOCASE AND ${groups.name} < ${q + MAX_CHAR} COLLATE NOCASE`)
        .orderBy(sql`${groups.name} COLLATE NOCASE`, groups.id).limit(CHOICES_SHOWN + 1).all().map(groupChoice)
      : []),
  ]);
  if (prefix.length === 1) return { kind: 'one', choice: prefix[0] };
  if (prefix.length > 1) return { kind: 'many', choices: prefix.slice(0, CHOICES_SHOWN) };
  return { kind: 'none' };
}

function dedupe(list: PersonChoice[]): PersonChoice[] {
  const seen = new Map<string, PersonChoice>();
  for (const c of list) seen.set(`${c.type}:${c.id}`, c);
  return [...seen.values()];
}
