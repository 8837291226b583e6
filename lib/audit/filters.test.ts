import { describe, expect, it } from 'vitest';
import { auditQueryString, parseAuditSearch } from './filters';

describe('parseAuditSearch', () => {
  it('turns whole UTC days into a half-open range that includes the To day', () => {
    const r = parseAuditSearch({ from: '2026-11-01', to: '2026-11-02' });
    expect(r.filters.from).toBe(Date.UTC(2026, 10, 1));
    expect(r.filters.to).toBe(Date.UTC(2026, 10, 3));
    expect(r.problems).toEqual([]);
  });

  it('names a garbage or impossible date instead of failing, and leaves it out', () => {
    const r = parseAuditSearch({ from: 'garbage', to: '2026-02-31' });
    expect(r.filters.from).toBeUndefined();
    expect(r.filters.to).toBeUndefined();
    expect(r.problems.join(' ')).toMatch(/From date “garbage” is not a valid day/);
    expect(r.problems.join(' ')).toMatch(/To date “2026-02-31” is not a valid day/);
    // the pager and export links do not carry the bad value on
    expect(auditQueryString(r.sp)).toBe('');
  });

  it('says so when a page number is negative or not a number, and shows the first page', () => {
    expect(parseAuditSearch({ page: '-1' })).toMatchObject({ page: 1, problems: [expect.stringMatching(/Page “-1” is not a page number/)] });
    expect(parseAuditSearch({ page: 'x' }).page).toBe(1);
    expect(parseAuditSearch({ page: '3' })).toMatchObject({ page: 3, problems: [] });
  });

  it('takes the first of repeated keys instead of crashing on an array', () => {
    const r = parseAuditSearch({ action: ['assigned', 'removed'], actor: ['a', 'b'] });
    expect(r.filters.action).toBe('assigned');
    expect(r.filters.actorId).toBe('a');
  });

  it('warns when From is after To', () => {
    expect(parseAuditSearch({ from: '2026-11-05', to: '2026-11-01' }).problems.join(' ')).toMatch(/after the To day/);
  });
});
