import { z } from 'zod';
import { decodeCursor, type Seek } from '@/lib/portal/keyset';

export interface AuditSearch {
  from?: string;
  to?: string;
  /** a user id (from a link) or what was typed: e-mail, name or its start */
  actor?: string;
  /** an event type, or a word of one */
  action?: string;
  role?: string;
  /** like actor; groups too */
  principal?: string;
  /** keyset cursors (lib/portal/keyset): the page after / before an event */
  after?: string;
  before?: string;
}

/** What a page or route receives: Next gives repeated keys (`?action=a&action=b`) as arrays. */
export type RawSearch = Record<string, string | string[] | undefined>;

const DAY = 86_400_000;
/** An audit event's place in the list: (at, seq). */
const KEY_SHAPE = ['n', 'n'] as const;

// A URL is typed by hand as often as it is clicked: repeated keys take the first value
// (instead of crashing on an array), and every value is bounded.
const one = (max: number) => z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().max(max).optional().catch(undefined));

const searchSchema = z.object({
  from: one(10),
  to: one(10),
  actor: one(200),
  action: one(200),
  role: one(100),
  principal: one(200),
  after: one(3000),
  before: one(3000),
});

/** A whole UTC day `YYYY-MM-DD` as epoch ms, or null when it is not a real calendar day (2026-02-31, garbage). */
function utcDay(s: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s ? null : t;
}

export interface ParsedAuditSearch {
  /** the filters that need no look-up; actor, principal and action are resolved by lib/audit/search */
  from?: number;
  to?: number;
  roleId?: string;
  seek: Seek;
  sp: AuditSearch;
  problems: string[];
}

/**
 * URL search params → what the audit query needs. Dates are whole UTC days, the "to" day
 * included. A value that cannot be used is left out and named in `problems`, so the page
 * says what it ignored instead of failing or silently showing something else.
 */
export function parseAuditSearch(raw: RawSearch): ParsedAuditSearch {
  const sp: AuditSearch = searchSchema.parse(raw ?? {});
  for (const k of ['actor', 'action', 'principal', 'role'] as const) sp[k] = sp[k]?.trim() || undefined;
  const problems: string[] = [];
  const dayOf = (key: 'from' | 'to', label: string) => {
    if (!sp[key]) return undefined;
    const t = utcDay(sp[key]!);
    if (t === null) {
      problems.push(`${label} date “${sp[key]}” is not a valid day (use YYYY-MM-DD); it was ignored.`);
      sp[key] = undefined;
      return undefined;
    }
    return t;
  };
  const from = dayOf('from', 'The From');
  const to = dayOf('to', 'The To');
  if (from !== undefined && to !== undefined && from > to)
    problems.push('The From day is after the To day, so nothing can match. Swap them.');
  const seek: Seek = {};
  const token = sp.after ?? sp.before;
  if (token !== undefined) {
    const key = decodeCursor(token, KEY_SHAPE);
    if (!key) {
      problems.push('That page link is not one of this list’s; showing the newest events.');
      sp.after = sp.before = undefined;
    } else if (sp.after !== undefined) seek.after = key;
    else seek.before = key;
  }
  return { from, to: to === undefined ? undefined : to + DAY, roleId: sp.role, seek, sp, problems };
}

/** The same filters back as a query string (for the pager and the CSV link); cursors only through `extra`. */
export function auditQueryString(sp: AuditSearch, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const k of ['from', 'to', 'actor', 'action', 'role', 'principal'] as const) if (sp[k]) p.set(k, sp[k]!);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}
