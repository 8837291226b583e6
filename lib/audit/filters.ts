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

const DAY = 86_400_000;
const day = (s: string | undefined) => (s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) : undefined);

/** URL search params → query filters. Dates are whole UTC days, the "to" day included. */
export function parseAuditSearch(sp: AuditSearch): { filters: AuditFilters; page: number } {
  const to = day(sp.to);
  return {
    filters: {
      from: day(sp.from), to: to === undefined ? undefined : to + DAY,
      actorId: sp.actor || undefined, action: sp.action?.trim() || undefined,
      roleId: sp.role || undefined, principalId: sp.principal || undefined,
    },
    page: Math.max(1, Number.parseInt(sp.page ?? '1', 10) || 1),
  };
}

/** The same filters back as a query string (for the pager and the CSV link). */
export function auditQueryString(sp: AuditSearch, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const k of ['from', 'to', 'actor', 'action', 'role', 'principal'] as const) if (sp[k]) p.set(k, sp[k]!);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}
