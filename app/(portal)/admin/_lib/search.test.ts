import { describe, expect, it } from 'vitest';
import { pageParam, singleValues } from './search';

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
