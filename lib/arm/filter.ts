import { badRequest } from './errors';

/**
 * The `$filter` dialect PIM list endpoints accept: functions `asTarget()`, `asRequestor()`,
 * `asApprover()`, `atScope()`, `assignedTo('{userId}')` and comparisons `field eq 'value'`,
 * joined with `and`.
 */
export interface ArmFilter {
  asTarget: boolean;
  asRequestor: boolean;
  asApprover: boolean;
  atScope: boolean;
  /** assignedTo('{userId}'): that user's assignments, directly or through their groups */
  assignedTo?: string;
  /** field (lower case) → value, e.g. principalid → '…' */
  eq: Map<string, string>;
}

export const EMPTY_FILTER: ArmFilter = Object.freeze({
  asTarget: false,
  asRequestor: false,
  asApprover: false,
  atScope: false,
  eq: new Map(),
}) as ArmFilter;

const FUNCTIONS = {
  'astarget()': 'asTarget',
  'asrequestor()': 'asRequestor',
  'asapprover()': 'asApprover',
  'atscope()': 'atScope',
} as const;
const COMPARISON = /^([A-Za-z][A-Za-z0-9]*)\s+eq\s+'((?:[^']|'')*)'$/i;
const ASSIGNED_TO = /^assignedTo\(\s*'((?:[^']|'')*)'\s*\)$/i;

/** Splits on ` and ` outside quotes. */
function terms(input: string): string[] {
  const out: string[] = [];
  let buf = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch === "'") quoted = !quoted;
    if (!quoted && /\s/.test(ch) && /^\s+and\s+/i.test(input.slice(i))) {
      out.push(buf);
      buf = '';
      i += /^\s+and\s+/i.exec(input.slice(i))![0].length - 1;
      continue;
    }
    buf += ch;
  }
  if (quoted) throw badRequest('InvalidFilter', `$filter "${input}" has an unterminated quote.`);
  out.push(buf);
  return out.map((t) => t.trim());
}

export function parseFilter(input: string | null, allowedFields: readonly string[]): ArmFilter {
  if (input === null || input.trim() === '') return { ...EMPTY_FILTER, eq: new Map() };
  const f: ArmFilter = { asTarget: false, asRequestor: false, asApprover: false, atScope: false, eq: new Map() };
  const allowed = new Set(allowedFields.map((a) => a.toLowerCase()));
  for (const term of terms(input.trim())) {
    const fn = FUNCTIONS[term.replace(/\s+/g, '').toLowerCase() as keyof typeof FUNCTIONS];
    if (fn) {
      f[fn] = true;
      continue;
    }
    const assigned = ASSIGNED_TO.exec(term);
    if (assigned) {
      f.assignedTo = assigned[1].replace(/''/g, "'");
      continue;
    }
    const m = COMPARISON.exec(term);
    if (!m) {
      throw badRequest(
        'InvalidFilter',
        `$filter term "${term}" is not understood. ` +
          `Use asTarget(), asRequestor(), asApprover(), atScope(), assignedTo('{userId}') or field eq 'value'` +
          `${allowedFields.length ? ` (fields: ${allowedFields.join(', ')})` : ''}, joined with "and".`,
      );
    }
    const field = m[1].toLowerCase();
    if (!allowed.has(field)) {
      throw badRequest(
        'InvalidFilter',
        `$filter cannot compare "${m[1]}" here.${allowedFields.length ? ` Fields: ${allowedFields.join(', ')}.` : ''}`,
      );
    }
    f.eq.set(field, m[2].replace(/''/g, "'"));
  }
  return f;
}
