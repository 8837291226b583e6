import { describe, type PolicyIndex, type Violation } from '@/lib/policy';
import { ElevateError } from '@/lib/errors';
import { nameLookup } from '@/lib/resources/names';

/** Which form field an engine violation belongs under, so the form shows it in place. */
const FIELD: Partial<Record<Violation['code'], string>> = {
  'principal-not-found': 'principalId',
  'principal-disabled': 'principalId',
  'overlapping-assignment': 'principalId',
  'self-grant': 'principalId',
  'role-not-found': 'roleId',
  'scope-unknown': 'scopeId',
  'scope-not-managed': 'scopeId',
  'permanent-not-allowed': 'endAt',
  'window-too-long': 'endAt',
  'end-before-start': 'endAt',
  'justification-required': 'justification',
  'mfa-required': 'mfaCode',
};

/** The engine's "no" as an ElevateError: every violation described, field by field. */
export function adminRefusal(index: PolicyIndex, violations: Violation[]): ElevateError {
  const names = nameLookup(index);
  const fieldErrors: Record<string, string[]> = {};
  const general: string[] = [];
  const all: string[] = [];
  const described: (Violation & { message: string })[] = [];
  for (const v of violations) {
    const text = describe(v, names);
    all.push(text + '.');
    described.push({ ...v, message: text + '.' });
    const field = FIELD[v.code];
    if (field) (fieldErrors[field] ??= []).push(text + '.');
    else general.push(text + '.');
  }
  const code = violations.some((v) => v.code === 'not-authorized') ? 'AuthorizationFailed' : 'PolicyViolation';
  // the whole story in the message too: API clients and screen readers get it in one place
  const message = all.join(' ');
  return new ElevateError(code, message, { fieldErrors, details: described });
}
