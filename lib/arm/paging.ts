import { config, type Config } from '@/lib/config';
import { badRequest } from './errors';
import { decodeSkipToken, encodeSkipToken, listFingerprint, type SortKey } from './skip-token';

export const MAX_PAGE_SIZE = 1000;

/**
 * Items per page when the caller gives no `$top`: ELEVATE_API_PAGE_SIZE (default 100, 1…1000,
 * validated at start-up with the rest of the configuration), which the SDK suite lowers so the
 * client's own paging is exercised.
 */
export function defaultPageSize(cfg: Pick<Config, 'apiPageSize'> = config()): number {
  return Math.min(cfg.apiPageSize, MAX_PAGE_SIZE);
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

/** What paging needs to know of a call (an ArmContext is one). */
export interface PagedCall {
  url: URL;
  origin: string;
  route: { collection: string };
  scope: { key: string } | null;
}

export interface PageRequest {
  /** items to serve; the list reads top + 1 to know whether a next page exists */
  top: number;
  /** sort key of the last item already served, or null for the first page */
  after: SortKey | null;
  /** which list the tokens belong to */
  list: string;
}

const param = (url: URL, name: string) => {
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === name) return v;
  return null;
};

/**
 * `$top` (1…1000, default the configured page size) and the `$skipToken` this server
 * issued for this very list; `shape` names the sort key's types so a token for another
 * list, or a forged one, is a 400 before any SQL runs.
 */
export function pageRequest(call: PagedCall, shape: readonly ('string' | 'number')[]): PageRequest {
  const topRaw = param(call.url, '$top');
  const top = topRaw === null ? defaultPageSize() : Number(topRaw);
  if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE_SIZE)
    throw badRequest('InvalidTop', `$top must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  const list = listFingerprint([call.route.collection.toLowerCase(), call.scope?.key, (param(call.url, '$filter') ?? '').trim()]);
  const token = param(call.url, '$skiptoken');
  return { top, list, after: token === null ? null : decodeSkipToken(token, list, shape) };
}

/** The caller's own query (api-version, $filter, $top) with the next `$skipToken`, at the origin the caller used. */
export function nextLinkFor(call: PagedCall, list: string, key: SortKey): string {
  const next = new URL(call.url.pathname, call.origin);
  for (const [k, v] of call.url.searchParams) if (k.toLowerCase() !== '$skiptoken') next.searchParams.append(k, v);
  next.searchParams.set('$skipToken', encodeSkipToken(list, key));
  return next.toString();
}

/**
 * One page from rows read as "page size + 1 after the cursor": the extra row only says
 * that a next page exists, and the link carries the key of the last row served.
 * `show` turns the served rows into items (it may drop a row a last check refuses;
 * the cursor still moves past it).
 */
export function keysetPage<R, T>(
  call: PagedCall,
  req: PageRequest,
  rows: R[],
  keyOf: (r: R) => SortKey,
  show: (rows: R[]) => T[],
): { value: T[]; nextLink?: string } {
  const served = rows.slice(0, req.top);
  const value = show(served);
  if (rows.length <= req.top) return { value };
  return { value, nextLink: nextLinkFor(call, req.list, keyOf(served[served.length - 1])) };
}

/**
 * Lists bounded by something small and fixed (the roles a caller holds at one scope):
 * computed whole, served in pages whose token carries the position, signed like the others.
 */
export function pageInMemory<T>(call: PagedCall, items: T[]): { value: T[]; nextLink?: string } {
  const req = pageRequest(call, ['number']);
  const from = req.after === null ? 0 : (req.after[0] as number);
  const rows = items.slice(from, from + req.top + 1).map((item, i) => ({ item, at: from + i + 1 }));
  return keysetPage(
    call,
    req,
    rows,
    (r) => [r.at],
    (served) => served.map((r) => r.item),
  );
}
