import { badRequest } from './errors';

export const MAX_PAGE_SIZE = 1000;

/**
 * Items per page when the caller gives no `$top`: 100, or ELEVATE_API_PAGE_SIZE (1…1000),
 * which the SDK suite lowers so the client's own paging is exercised.
 */
export function defaultPageSize(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.ELEVATE_API_PAGE_SIZE);
  return Number.isInteger(n) && n >= 1 && n <= MAX_PAGE_SIZE ? n : 100;
}

/**
 * The public origin of this request (the server's own address as the client reached it),
 * so `nextLink` works behind the same host name and port the caller used.
 */
export function requestOrigin(url: URL, headers: Headers): string {
  const proto = headers.get('x-forwarded-proto')?.split(',')[0].trim() || url.protocol.replace(/:$/, '');
  const host = headers.get('x-forwarded-host')?.split(',')[0].trim() || headers.get('host') || url.host;
  return `${proto}://${host}`;
}

/**
 * One page of an ordered list, ARM style: `{value, nextLink}`. The link repeats the
 * caller's own query (api-version, $filter) with a `$skipToken` offset, so the SDK's
 * `byPage()` follows it without knowing anything about Elevate.
 */
export function page<T>(items: T[], url: URL, origin: string): { value: T[]; nextLink?: string } {
  const skipRaw = url.searchParams.get('$skipToken') ?? url.searchParams.get('$skiptoken');
  const topRaw = url.searchParams.get('$top');
  const skip = skipRaw === null ? 0 : Number(skipRaw);
  const top = topRaw === null ? defaultPageSize() : Number(topRaw);
  if (!Number.isInteger(skip) || skip < 0) throw badRequest('InvalidSkipToken', `$skipToken "${skipRaw}" is not one this server issued.`);
  if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE_SIZE) throw badRequest('InvalidTop', `$top must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  const value = items.slice(skip, skip + top);
  if (skip + top >= items.length) return { value };
  const next = new URL(url.pathname, origin);
  for (const [k, v] of url.searchParams) if (k.toLowerCase() !== '$skiptoken') next.searchParams.append(k, v);
  next.searchParams.set('$skipToken', String(skip + top));
  return { value, nextLink: next.toString() };
}
