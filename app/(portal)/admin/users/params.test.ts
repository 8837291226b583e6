import { describe, expect, it } from 'vitest';
import { encodeCursor } from '@/lib/users/paging';
import { hrefWith, otherListState, readGroup, readList } from './params';

describe('users page URL', () => {
  it("reads each list's search and cursor; damaged cursors and long searches become sentences", () => {
    const c = encodeCursor(['Jen', 'id-1']);
    expect(readList({ q: ' jen ', after: c }, 'users')).toEqual({ view: { q: 'jen', seek: { after: ['Jen', 'id-1'] } }, problems: [] });
    expect(readList({ gbefore: c }, 'groups').view.seek).toEqual({ before: ['Jen', 'id-1'] });
    // a members cursor holds a time, not a name
    expect(readList({ mafter: c }, 'members').problems[0]).toMatch(/out of date or damaged/);
    expect(readList({ after: 'garbage!!' }, 'users')).toEqual({
      view: { q: '', seek: {} },
      problems: [expect.stringMatching(/first page/)],
    });
    const long = readList({ q: 'x'.repeat(150) }, 'users');
    expect(long.view.q).toHaveLength(100);
    expect(long.problems[0]).toMatch(/first 100 characters/);
    expect(readGroup({ group: 'x'.repeat(300) }).problem).toBeTruthy();
  });

  it('links change one list and keep the others', () => {
    const sp = { q: 'a b', after: 'C1', gq: 'ops', group: 'g1', mq: 'x' };
    expect(hrefWith(sp, { after: 'C2' })).toBe('/admin/users?q=a+b&after=C2&gq=ops&group=g1&mq=x');
    expect(hrefWith(sp, { group: 'g2', mq: undefined }, '#members')).toBe('/admin/users?q=a+b&after=C1&gq=ops&group=g2#members');
    expect(otherListState(sp, 'users')).toEqual([
      ['gq', 'ops'],
      ['group', 'g1'],
      ['mq', 'x'],
    ]);
  });
});
