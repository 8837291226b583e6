import { formatMinutes, type RoleSettings, type SettingsViolation } from '@/lib/policy';

/** Setting → [before, after] for every setting that changed, for the audit trail. */
export function settingsDiff(before: RoleSettings, after: RoleSettings): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const k of Object.keys(after) as (keyof RoleSettings)[]) {
    const a = JSON.stringify(before[k]);
    const b = JSON.stringify(after[k]);
    if (a !== b) out[k] = [before[k], after[k]];
  }
  return out;
}

/** One sentence per engine settings violation, shown under the field. */
export function settingsViolationText(v: SettingsViolation): string {
  const minutes = v.setting === 'activationMaxMinutes' || v.setting === 'approvalTimeoutMinutes';
  const fmt = (n: number | undefined) => (n === undefined ? '' : minutes ? formatMinutes(n) : `${n} days`);
  if (v.code === 'out-of-range') return `Must be between ${fmt(v.min)} and ${fmt(v.max)}.`;
  if (v.code === 'not-integer') return 'Use a whole number.';
  return 'This value is not valid.';
}
