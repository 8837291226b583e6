import { describe, type NameLookup, type Violation, type ViolationCode } from '@/lib/policy';
import { ElevateError, type FieldErrors } from '@/lib/errors';

/** Which form field a violation belongs to, so the message shows next to what must change. */
const FIELD: Partial<Record<ViolationCode, string>> = {
  'duration-over-maximum': 'durationMinutes',
  'duration-under-minimum': 'durationMinutes',
  'justification-required': 'justification',
  'ticket-required': 'ticketNumber',
  'mfa-required': 'mfaCode',
  'start-in-past': 'startAt',
  'eligibility-not-started': 'startAt',
  'not-eligible-at-scope': 'scopeIds',
  'scope-unknown': 'scopeIds',
  'scope-not-managed': 'scopeIds',
  'overlapping-activation': 'scopeIds',
  'pending-request-exists': 'scopeIds',
  'no-approver': 'scopeIds',
  'window-too-long': 'endAt',
  'end-before-start': 'endAt',
  'permanent-not-allowed': 'endAt',
  'overlapping-assignment': 'endAt',
};

export interface ScopedViolation {
  /** label of the scope (and role) the violation is about, prefixed to messages when several are involved */
  label: string | null;
  violation: Violation;
}

export interface DescribedViolation {
  code: ViolationCode;
  field: string;
  message: string;
  scopeId?: string;
  /** the setting that demands it, when one does (the API names the policy rule that carries it) */
  setting?: string;
}

/** Sentences that name their scope themselves; with several scopes they are said once for all of them. */
const PER_SCOPE_SENTENCE: Partial<Record<ViolationCode, string>> = {
  'justification-required': 'A justification is required for',
  'ticket-required': 'Ticket information is required for',
  'duration-over-maximum': '',
};

const list = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/**
 * Engine violations as sentences for the form. Repeats are merged, so three scopes
 * missing a justification read as one line that names the three, not three
 * near-identical lines (validateActivations keeps the engine's per-scope results).
 */
export function describeViolations(items: ScopedViolation[], names: NameLookup): DescribedViolation[] {
  const out: DescribedViolation[] = [];
  const merged = new Map<string, { first: DescribedViolation; labels: string[]; text: string }>();
  for (const { label, violation } of items) {
    const text = describe(violation, names);
    const field = FIELD[violation.code] ?? 'form';
    const lead = PER_SCOPE_SENTENCE[violation.code];
    const key = lead !== undefined && label ? `${violation.code}\u0000${lead === '' ? text : ''}` : null;
    if (key && merged.has(key)) {
      merged.get(key)!.labels.push(label!);
      continue;
    }
    const entry: DescribedViolation = {
      code: violation.code,
      field,
      scopeId: violation.scopeId,
      ...(violation.setting ? { setting: violation.setting } : {}),
      message: label ? `${label}: ${text}` : text,
    };
    out.push(entry);
    if (key) merged.set(key, { first: entry, labels: [label!], text });
  }
  for (const m of merged.values()) {
    if (m.labels.length < 2) continue;
    const lead = PER_SCOPE_SENTENCE[m.first.code];
    m.first.message = lead ? `${lead} ${list(m.labels)}` : `${m.text} (${list(m.labels)})`;
  }
  return out;
}

/** One ElevateError carrying every violation, field by field; nothing was written. */
export function refusal(list: DescribedViolation[], extra: FieldErrors = {}): ElevateError {
  const fieldErrors: FieldErrors = { ...extra };
  for (const v of list) {
    const bucket = (fieldErrors[v.field] ??= []);
    if (!bucket.includes(v.message)) bucket.push(v.message);
  }
  const messages = [
    ...new Set([
      ...list.map((v) => v.message),
      ...Object.values(extra)
        .flat()
        .filter((m): m is string => !!m),
    ]),
  ];
  const onlyMfa = list.every((v) => v.code === 'mfa-required') && Object.keys(extra).every((k) => k === 'mfaCode');
  const code = onlyMfa ? (Object.keys(extra).length ? 'InvalidMfaCode' : 'MfaRequired') : 'PolicyViolation';
  const message =
    messages.length === 1
      ? `Nothing was requested. ${messages[0]}`
      : `Nothing was requested. ${messages.length} things need attention: ${messages.join('; ')}.`;
  return new ElevateError(code, message, { fieldErrors, details: { violations: list } });
}
