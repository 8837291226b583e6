import type { AuditEvent } from '@/db/schema';

/** The columns people read in the audit log and in the export, in one order. */
export const AUDIT_CSV_COLUMNS = [
  'when',
  'actor',
  'action',
  'outcome',
  'principal',
  'role',
  'scope',
  'request',
  'justification',
  'details',
  'hash',
] as const;

/**
 * RFC 4180 quoting, plus a guard against spreadsheet formula injection: a cell starting
 * with = + - @ (also after leading blanks) or with a tab / carriage return is prefixed with a quote so Excel shows it
 * as text instead of running it.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  // spreadsheets skip leading blanks before reading a formula, so look past them too
  if (/^[\t\r]|^\s*[=+\-@]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsvRow(e: AuditEvent, scopeText: (id: string) => string): string {
  const cells = [
    new Date(e.at).toISOString(),
    e.actorName,
    e.action,
    e.outcome,
    e.principalName ?? e.principalId ?? '',
    e.roleName ?? e.roleId ?? '',
    e.scopeId ? scopeText(e.scopeId) : '',
    e.requestId ?? '',
    e.justification ?? '',
    e.details === '{}' ? '' : e.details,
    e.hash,
  ];
  return cells.map(csvCell).join(',');
}

export const auditCsvHeader = () => AUDIT_CSV_COLUMNS.join(',');
