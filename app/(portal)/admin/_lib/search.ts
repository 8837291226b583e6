import { decodeCursor, type Seek } from '@/lib/portal/keyset';

/**
 * Next hands a page repeated query keys (`?id=a&id=b`) as arrays. Admin pages read
 * single values, so the first one wins; without this a typed or tampered URL reached
 * string methods with an array and the page failed with a 500.
 */
export function singleValues<K extends string>(
  raw: Record<string, string | string[] | undefined>,
  keys: readonly K[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = raw[k];
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string') out[k] = s;
  }
  return out;
}

/**
 * `?page=` as a page number. Anything else (negative, text, a number too large for an SQL
 * OFFSET, which made SQLite fail with "datatype mismatch") gives the first page and a
 * sentence saying so.
 */
export function pageParam(raw: string | string[] | undefined): { page: number; problem?: string } {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || v === '') return { page: 1 };
  if (/^\d{1,7}$/.test(v) && Number(v) >= 1) return { page: Number(v) };
  return { page: 1, problem: `“${v.slice(0, 40)}” is not a page number; showing the first page.` };
}

/**
 * A keyset page's place from `after` / `before` URL values, checked against the list's
 * key shape. A value that is not one of our cursors gives the first page and a sentence
 * saying so, never a 500.
 */
export function seekParam(
  after: string | undefined,
  before: string | undefined,
  shape: readonly ('s' | 'n')[],
): { seek: Seek; problem?: string } {
  if (!after && !before) return { seek: {} };
  const a = after ? decodeCursor(after, shape) : null;
  const b = before ? decodeCursor(before, shape) : null;
  if ((after && !a) || (before && !b)) return { seek: {}, problem: 'That page link is not valid any more; showing the first page.' };
  return { seek: { after: a, before: b } };
}
