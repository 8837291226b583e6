import { z } from 'zod';
import { keysetPage as sharedKeysetPage, type Page, type Seek } from '@/lib/portal/keyset';

/**
 * Keyset (seek) paging and search text for the people lists. A page reads its rows plus
 * one from an index range that starts at the cursor, so its cost does not depend on how
 * far in it is, and a row is never shown twice or skipped while rows are added between
 * page reads (an OFFSET would shift under inserts).
 */

export const PAGE_SIZE = 50;
export { SEARCH_MAX, searchText, encodeCursor, type Page, type Seek } from '@/lib/portal/keyset';

/** A row's place in a list's order: [sort value, id]. The id breaks ties, so the order is total. */
export type Key = [string | number, string];

const keySchemas = {
  text: z.tuple([z.string().max(1000), z.string().min(1).max(200)]),
  number: z.tuple([z.number().int().min(0), z.string().min(1).max(200)]),
};

/**
 * A cursor from a URL back to its key; null for anything that is not one of ours (typed,
 * truncated or from another list), which the page turns into a sentence, never a 500.
 */
export function decodeCursor(token: string | undefined, kind: keyof typeof keySchemas): Key | null {
  if (!token || token.length > 2000) return null;
  try {
    const parsed = keySchemas[kind].safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** One page (lib/portal/keyset.ts), with the people lists' two-part keys. */
export function keysetPage<T>(
  seek: Seek,
  size: number,
  fetch: (dir: 'forward' | 'backward', from: Key | null, limit: number) => T[],
  keyOf: (row: T) => Key,
): Page<T> {
  return sharedKeysetPage(seek, size, (dir, from, limit) => fetch(dir, from as Key | null, limit), keyOf);
}

export { containsPattern, prefixPattern, escapeLike } from '@/lib/portal/keyset';

/** A count that stops at `cap` (shown as "cap+"): the page never counts the whole tenant. */
export interface CappedCount {
  n: number;
  more: boolean;
}
export const COUNT_CAP = 1000;
export const countText = (c: CappedCount) => (c.more ? `${c.n.toLocaleString('en-US')}+` : c.n.toLocaleString('en-US'));
