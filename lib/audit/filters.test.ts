import { describe, expect, it } from 'vitest';
import { encodeCursor } from '@/lib/portal/keyset';
import { auditQueryString, parseAuditSearch } from './filters';
import { matchingEventTypes } from './query';

describe('parseAuditSearch', () => {
  it('turns whole UTC days into a half-open range that includes the To day', () => {
    const r = parseAuditSearch({ from: '2026-11-01', to: '2026-11-02' });
    expect(r.from).toBe(Date.UTC(2026, 10, 1));
    expect(r.to).toBe(Date.UTC(2026, 10, 3));
    expect(r.problems).toEqual([]);
  });

  it('names a garbage or impossible date instead of failing, and leaves it out', () => {
    const r = parseAuditSearch({ from: 'garbage', to: '2026-02-31' });
    expect(r.from).toBeUndefined();
    expect(r.to).toBeUndefined();
    expect(r.problems.join(' ')).toMatch(/From date “garbage” is not a valid day/);
    expect(r.problems.join(' ')).toMatch(/To date “2026-02-31” is not a valid day/);
    // the pager and export links do not carry the bad value on
    expect(auditQueryString(r.sp)).toBe('');
  });

  it('reads a page cursor, and says so when a cursor is not one of ours', () => {
    const key = [Date.UTC(2026, 10, 1), 42];
    expect(parseAuditSearch({ after: encodeCursor(key) })).toMatchObject({ seek: { after: key }, problems: [] });
    expect(parseAuditSearch({ before: encodeCursor(key) }).seek).toEqual({ before: key });
    const bad = parseAuditSearch({ after: 'not-a-cursor' });
    expect(bad.seek).toEqual({});
    expect(bad.problems.join(' ')).toMatch(/not one of this list’s; showing the newest events/);
    // a cursor of another list (text where a number belongs) is refused too
    expect(parseAuditSearch({ after: encodeCursor(['x', 'y']) }).seek).toEqual({});
    // cursors are never carried into the filter links (the export has no pages)
    expect(auditQueryString(parseAuditSearch({ after: encodeCursor(key), actor: 'jen' }).sp)).toBe('actor=jen');
  });

  it('takes the first of repeated keys instead of crashing on an array', () => {
    const r = parseAuditSearch({ action: ['assigned', 'removed'], actor: ['a', 'b'] });
    expect(r.sp.action).toBe('assigned');
    expect(r.sp.actor).toBe('a');
  });

  it('warns when From is after To', () => {
    expect(parseAuditSearch({ from: '2026-11-05', to: '2026-11-01' }).problems.join(' ')).toMatch(/after the To day/);
  });
});

describe('matchingEventTypes', () => {
  const types = ['Eligible assignment added', 'Request approved', 'Request denied', 'Role activated'];
  it('takes an exact type as itself, and a word as every type containing it', () => {
    expect(matchingEventTypes(types, 'Request approved')).toEqual(['Request approved']);
    expect(matchingEventTypes(types, 'REQUEST')).toEqual(['Request approved', 'Request denied']);
    expect(matchingEventTypes(types, 'nothing like it')).toEqual([]);
  });
});
