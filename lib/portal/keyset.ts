import { z } from 'zod';

/**
 * Keyset (seek) paging for the resource, scope and assignment lists. A page reads its rows
 * plus one from an index range that starts at the cursor, so its cost does not depend on
 * how far in it is, and a row is never shown twice or skipped while rows are added
 * between page reads (an OFFSET would shift under inserts).
 */

export const PAGE_SIZE = 50;
/** Longer search text is cut: nobody types more, and LIKE costs grow with it. */
export const SEARCH_MAX = 100;

/** A row's place in a list's order; the last part is the row's id, so the order is total. */
export type Key = (string | number)[];

export interface Page<T> {
  rows: T[];
  /** cursor of the next page (`after`), when there is one */
  next: string | null;
  /** cursor of the previous page (`before`), when there is one */
  prev: string | null;
}

/** Where a page starts: after or before a row's key; neither is the first page. */
export interface Seek {
  after?: Key | null;
  before?: Key | null;
}

export const encodeCursor = (key: Key): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

const part = { s: z.string().max(1000), n: z.number().int() } as const;

/**
 * A cursor from a URL back to its key, checked against the list's key shape ('s' text,
 * 'n' integer); null for anything that is not one of ours (typed, truncated or from
 * another list), which the page turns into a sentence, never a 500.
 */
export function decodeCursor(token: string | undefined | null, shape: readonly ('s' | 'n')[]): Key | null {
  if (!token || token.length > 3000) return null;
  try {
    const schema = z.array(z.union([z.string(), z.number()])).length(shape.length);
    const raw = schema.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    if (!raw.success) return null;
    return raw.data.every((v, i) => part[shape[i]].safeParse(v).success) ? raw.data : null;
  } catch {
    return null;
  }
}

/**
 * One page: `fetch` reads at most `limit` rows from the cursor on, in list order
 * ('forward') or reversed ('backward'). A backward read that reaches the start, or a
 * forward read past the end (rows removed since the link was made), shows the first page.
 */
export function keysetPage<T>(
  seek: Seek,
  size: number,
  fetch: (dir: 'forward' | 'backward', from: Key | null, limit: number) => T[],
  keyOf: (row: T) => Key,
): Page<T> {
  const first = (): Page<T> => {
    const rows = fetch('forward', null, size + 1);
    return { rows: rows.slice(0, size), next: rows.length > size ? encodeCursor(keyOf(rows[size - 1])) : null, prev: null };
  };
  if (seek.before) {
    const rows = fetch('backward', seek.before, size + 1);
    if (rows.length <= size) return first();
    const shown = rows.slice(0, size).reverse();
    return { rows: shown, prev: encodeCursor(keyOf(shown[0])), next: encodeCursor(keyOf(shown[shown.length - 1])) };
  }
  if (seek.after) {
    const rows = fetch('forward', seek.after, size + 1);
    if (rows.length === 0) return first();
    const shown = rows.slice(0, size);
    return { rows: shown, prev: encodeCursor(keyOf(shown[0])), next: rows.length > size ? encodeCursor(keyOf(shown[size - 1])) : null };
  }
  return first();
}

/** What a person typed, trimmed and capped; `cut` says it was longer than we search for. */
export function searchText(raw: string | undefined | null): { q: string; cut: boolean } {
  const q = (raw ?? '').trim();
  return q.length > SEARCH_MAX ? { q: q.slice(0, SEARCH_MAX), cut: true } : { q, cut: false };
}

/** `%text%` for LIKE … ESCAPE '\': a typed % or _ matches itself, not "anything". */
export const escapeLike = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);
export const containsPattern = (q: string) => `%${escapeLike(q)}%`;
export const prefixPattern = (q: string) => `${escapeLike(q)}%`;
