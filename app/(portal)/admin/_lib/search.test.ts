import { describe, expect, it } from 'vitest';
import { encodeCursor } from '@/lib/portal/keyset';
import { pageParam, seekParam, singleValues } from './search';

describe('search params', () => {
  it('reads a page number, and says why it shows the first page otherwise', () => {
    expect(pageParam(undefined)).toEqual({ page: 1 });
    expect(pageParam('3')).toEqual({ page: 3 });
    expect(pageParam(['2', '5'])).toEqual({ page: 2 });
    for (const bad of ['-1', '0', 'x', '99999999999999999999', '1e3']) {
      expect(pageParam(bad)).toMatchObject({ page: 1, problem: expect.stringMatching(/is not a page number/) });
    }
  });

  it('takes the first of repeated keys', () => {
    expect(singleValues({ id: ['a', 'b'], q: 'x', other: 'y' }, ['id', 'q'])).toEqual({ id: 'a', q: 'x' });
  });
});

describe('page links', () => {
  it('reads a keyset cursor of the right shape, and says why it shows the first page otherwise', () => {
    const good = encodeCursor(['finance-dev', '/subscriptions/x/resourcegroups/finance-dev']);
    expect(seekParam(good, undefined, ['s', 's'])).toEqual({
      seek: { after: ['finance-dev', '/subscriptions/x/resourcegroups/finance-dev'], before: null },
    });
    expect(seekParam(undefined, undefined, ['s', 's'])).toEqual({ seek: {} });
    for (const bad of ['not-a-cursor', encodeCursor([1, 'x']), encodeCursor(['a']), 'x'.repeat(5000)]) {
      expect(seekParam(bad, undefined, ['s', 's'])).toEqual({
        seek: {},
        problem: 'That page link is not valid any more; showing the first page.',
      });
    }
    expect(seekParam(undefined, encodeCursor([0, 5, 'id']), ['n', 'n', 's']).seek.before).toEqual([0, 5, 'id']);
  });
});
