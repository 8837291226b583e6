import { describe, expect, it } from 'vitest';
import { defaultPageSize, pageInMemory, pageRequest, requestOrigin } from './paging';
import { encodeSkipToken } from './skip-token';
import { readConfig } from '@/lib/config/read';

const call = (q: string, scope = '/subscriptions/s') => ({
  url: new URL(`http://internal:3000${scope}/providers/Microsoft.Authorization/permissions?${q}`),
  origin: 'https://elevate.example:8443',
  route: { collection: 'permissions' },
  scope: { key: scope },
});

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as { status: number; code: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('paging', () => {
  const items = [0, 1, 2, 3, 4];

  it('links the next page at the origin the caller used, keeping api-version, $filter and $top', () => {
    const first = pageInMemory(call("api-version=2022-04-01&$filter=roleName eq 'Owner'&$top=2"), items);
    expect(first.value).toEqual([0, 1]);
    const next = new URL(first.nextLink!);
    expect(next.origin).toBe('https://elevate.example:8443');
    expect(next.searchParams.get('api-version')).toBe('2022-04-01');
    expect(next.searchParams.get('$filter')).toBe("roleName eq 'Owner'");
    expect(next.searchParams.get('$top')).toBe('2');
    const second = pageInMemory({ ...call(''), url: next }, items);
    expect(second.value).toEqual([2, 3]);
    expect(pageInMemory({ ...call(''), url: new URL(second.nextLink!) }, items)).toEqual({ value: [4] });
  });

  it('has no nextLink on the last page', () => {
    expect(pageInMemory(call('$top=5'), items)).toEqual({ value: items });
  });

  it('refuses tokens it did not issue, or issued for another list, with a 400 InvalidSkipToken', () => {
    const issued = new URL(pageInMemory(call('$top=2'), items).nextLink!).searchParams.get('$skipToken')!;
    expect(pageRequest(call(`$skipToken=${encodeURIComponent(issued)}`), ['number']).after).toEqual([2]);
    for (const bad of ['-1', '2', 'garbage', `${issued}x`, issued.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAA')]) {
      expect(refusal(() => pageRequest(call(`$skipToken=${encodeURIComponent(bad)}`), ['number']))).toMatchObject({
        status: 400,
        code: 'InvalidSkipToken',
      });
    }
    // same token, another scope or another $filter: another list
    expect(refusal(() => pageRequest(call(`$skipToken=${encodeURIComponent(issued)}`, '/subscriptions/t'), ['number']))).toMatchObject({
      code: 'InvalidSkipToken',
    });
    expect(refusal(() => pageRequest(call(`$filter=asTarget()&$skipToken=${encodeURIComponent(issued)}`), ['number']))).toMatchObject({
      code: 'InvalidSkipToken',
    });
    // a signed token whose key has the wrong shape for the list
    const list = pageRequest(call(''), ['number']).list;
    expect(refusal(() => pageRequest(call(`$skipToken=${encodeURIComponent(encodeSkipToken(list, ['x']))}`), ['number']))).toMatchObject({
      code: 'InvalidSkipToken',
    });
  });

  it('refuses a $top outside 1…1000', () => {
    expect(refusal(() => pageRequest(call('$top=0'), ['number']))).toMatchObject({ status: 400, code: 'InvalidTop' });
    expect(refusal(() => pageRequest(call('$top=1001'), ['number']))).toMatchObject({ status: 400, code: 'InvalidTop' });
  });

  it('takes the origin from forwarded headers, else the Host header', () => {
    expect(requestOrigin(new URL('http://0.0.0.0:3000/x'), new Headers({ host: 'localhost:3443', 'x-forwarded-proto': 'https' }))).toBe(
      'https://localhost:3443',
    );
    expect(requestOrigin(new URL('https://a/x'), new Headers({ host: 'b:1' }))).toBe('https://b:1');
  });

  it('defaults to 100 per page unless configured; a value out of bounds stops start-up with its name', () => {
    expect(defaultPageSize(readConfig({}))).toBe(100);
    expect(defaultPageSize(readConfig({ ELEVATE_API_PAGE_SIZE: '2' }))).toBe(2);
    expect(() => readConfig({ ELEVATE_API_PAGE_SIZE: '0' })).toThrow(/ELEVATE_API_PAGE_SIZE must be a whole number from 1 to 1000/);
  });
});
