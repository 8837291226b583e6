import { z } from 'zod';
import type { AuditFilters } from './query';

export interface AuditSearch {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  role?: string;
  principal?: string;
  page?: string;
}

/** What a page or route receives: Next gives repeated keys (`?action=a&action=b`) as arrays. */
export type RawSearch = Record<string, string | string[] | undefined>;

const DAY = 86_400_000;

// A URL is typed by hand as often as it is clicked: repeated keys take the first value
// (instead of crashing on an array), and every value is bounded.
const one = (max: number) => z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().max(max).optional().catch(undefined));

const searchSchema = z.object({
  from: one(10), to: one(10), actor: one(100), action: one(200), role: one(100), principal: one(100), page: one(12),
});

/** A whole UTC day `YYYY-MM-DD` as epoch ms, or null when it is not a real calendar day (2026-02-31, garbage). */
function utcDay(s: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s ? null : t;
}

/**
 * URL search params → query filters. Dates are whole UTC days, the "to" day included.
 * A value that cannot be used is left out of the filters and named in `problems`, so
 * the page says what it ignored instead of failing or silently showing something else.
 */
export function parseAuditSearch(raw: RawSearch): { filters: AuditFilters; page: number; sp: AuditSearch; problems: string[] } {
  const sp = searchSchema.parse(raw ?? {});
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
  if (from !== undefined && to !== undefined && from > to) problems.push('The From day is after the To day, so nothing can match. Swap them.');
  let page = 1;
  if (sp.page !== undefined) {
    const n = /^\d+$/.test(sp.page) ? Number.parseInt(sp.page, 10) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) {
      problems.push(`Page “${sp.page}” is not a page number; showing the first page.`);
      sp.page = undefined;
    } else page = n;
  }
  return {
    filters: {
      from, to: to === undefined ? undefined : to + DAY,
      actorId: sp.actor || undefined, action: sp.action?.trim() || undefined,
      roleId: sp.role || undefined, principalId: sp.principal || undefined,
    },
    page, sp, problems,
  };
}

/** The same filters back as a query string (for the pager and the CSV link). */
export function auditQueryString(sp: AuditSearch, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const k of ['from', 'to', 'actor', 'action', 'role', 'principal'] as const) if (sp[k]) p.set(k, sp[k]!);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}
