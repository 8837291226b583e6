import { describe, expect, it } from 'vitest';
import { defaultPageSize, page, requestOrigin } from './paging';

describe('paging', () => {
  const url = (q: string) => new URL(`http://internal:3000/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions?${q}`);
  const items = Array.from({ length: 5 }, (_, i) => i);

  it('links the next page at the origin the caller used, keeping api-version and $filter', () => {
    const first = page(items, url("api-version=2022-04-01&$filter=roleName eq 'Owner'&$top=2"), 'https://elevate.example:8443');
    expect(first.value).toEqual([0, 1]);
    const next = new URL(first.nextLink!);
    expect(next.origin).toBe('https://elevate.example:8443');
    expect(next.searchParams.get('api-version')).toBe('2022-04-01');
    expect(next.searchParams.get('$filter')).toBe("roleName eq 'Owner'");
    const second = page(items, new URL(first.nextLink!), 'https://elevate.example:8443');
    expect(second.value).toEqual([2, 3]);
    expect(page(items, new URL(second.nextLink!), 'https://elevate.example:8443')).toEqual({ value: [4] });
  });

  it('has no nextLink on the last page and refuses forged tokens', () => {
    expect(page(items, url('$top=5'), 'https://x')).toEqual({ value: items });
    expect(() => page(items, url('$skipToken=-1'), 'https://x')).toThrow(/skipToken/);
    expect(() => page(items, url('$top=0'), 'https://x')).toThrow(/\$top/);
  });

  it('takes the origin from forwarded headers, else the Host header', () => {
    expect(requestOrigin(new URL('http://0.0.0.0:3000/x'), new Headers({ host: 'localhost:3443', 'x-forwarded-proto': 'https' }))).toBe('https://localhost:3443');
    expect(requestOrigin(new URL('https://a/x'), new Headers({ host: 'b:1' }))).toBe('https://b:1');
  });

  it('defaults to 100 per page unless configured within bounds', () => {
    expect(defaultPageSize({})).toBe(100);
    expect(defaultPageSize({ ELEVATE_API_PAGE_SIZE: '2' })).toBe(2);
    expect(defaultPageSize({ ELEVATE_API_PAGE_SIZE: '0' })).toBe(100);
  });
});
