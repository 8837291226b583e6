import { sql, type SQL } from 'drizzle-orm';
import { pathUpperBound } from '@/db/tree';

/**
 * Where in the tree an API list looks, as SQL over the joined `resources r` row of each
 * item: the URL scope's ancestors (their row ids are the URL scope's own materialised
 * path, so they cost no query) and path ranges for subtrees. This is the structural
 * predicate of db/tree.ts, written against the joined row rather than as
 * `scope_id IN (subquery)`: as a per-row test, the subquery form makes SQLite build the
 * whole subtree's id list first (100,000 ids at a tenant root), while `r.path` between
 * two bounds costs one comparison per row, and as a driving range it is one index range.
 */

/** The URL scope with its ancestors, root first and itself last. */
export interface Frame {
  key: string;
  path: string;
  ancestors: { rowid: number; path: string }[];
}

export function frameOf(scope: { key: string; path: string }): Frame {
  const ids = scope.path.split('/').filter(Boolean).map(Number);
  const ancestors = ids.map((rowid, i) => ({ rowid, path: `/${ids.slice(0, i + 1).join('/')}/` }));
  return { key: scope.key, path: scope.path, ancestors };
}

/** Scopes as ancestors (by row id) plus subtrees (path ranges; `self` includes the range's top). */
export interface Region {
  rowids: number[];
  ranges: { lo: string; hi: string; self: boolean }[];
}

export const isEmptyRegion = (r: Region) => r.rowids.length === 0 && r.ranges.length === 0;

/**
 * What a list at the scope covers, as ARM lists do: the scope, its ancestors (what is
 * inherited there) and, unless `atScope()`, everything below it.
 */
export function listRegion(frame: Frame, atScope: boolean): Region {
  if (!frame.path) return { rowids: [], ranges: [] };
  return {
    rowids: frame.ancestors.map((a) => a.rowid),
    ranges: atScope ? [] : [{ lo: frame.path, hi: pathUpperBound(frame.path), self: false }],
  };
}

/**
 * The part of listRegion a caller may read through management access at `roots` (scopes
 * where they hold it; it reaches everything below them): ancestors of the URL scope at or
 * under a root, and below the URL scope either all of it (a root at or above the URL
 * scope) or the subtrees of the roots inside it.
 */
export function managedRegion(frame: Frame, atScope: boolean, roots: { path: string }[]): Region {
  if (!frame.path || roots.length === 0) return { rowids: [], ranges: [] };
  const under = (path: string) => roots.some((r) => path.startsWith(r.path));
  const rowids = frame.ancestors.filter((a) => under(a.path)).map((a) => a.rowid);
  if (atScope) return { rowids, ranges: [] };
  if (under(frame.path)) return { rowids, ranges: [{ lo: frame.path, hi: pathUpperBound(frame.path), self: false }] };
  const inside = outermost(roots.filter((r) => r.path.startsWith(frame.path) && r.path !== frame.path));
  return { rowids, ranges: inside.map((r) => ({ lo: r.path, hi: pathUpperBound(r.path), self: true })) };
}

/**
 * Drops scopes that lie under another scope of the list (their subtree is already
 * covered), in path order. Sorted paths keep each subtree together right after its top,
 * so one pass comparing with the last scope kept does it.
 */
export function outermost<T extends { path: string }>(scopes: T[]): T[] {
  const out: T[] = [];
  for (const s of [...scopes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const last = out[out.length - 1];
    if (!last || !s.path.startsWith(last.path)) out.push(s);
  }
  return out;
}

/**
 * Beyond this many ranges (someone with management access on hundreds of scopes), a
 * region is a table of ranges rather than an OR of them: SQLite plans an OR of a thousand
 * terms slowly, and refuses expressions nested a thousand deep.
 */
export const MANY_RANGES = 16;

/** The region as a predicate over the joined `r` (resources) row; an empty region matches nothing. */
export function regionOn(r: string, region: Region): SQL {
  const terms: SQL[] = [];
  if (region.rowids.length)
    terms.push(
      sql`${sql.raw(r)}.rowid IN (${sql.join(
        region.rowids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  if (region.ranges.length > MANY_RANGES) {
    const col = sql.raw(`${r}.path`);
    terms.push(sql`EXISTS (SELECT 1 FROM ${rangesTable(region.ranges)} v WHERE ${col} >= v.column1 AND ${col} < v.column2)`);
  } else {
    for (const g of region.ranges) terms.push(rangeOn(r, g));
  }
  if (terms.length === 0) return sql`0`;
  return terms.length === 1 ? terms[0] : sql`(${sql.join(terms, sql` OR `)})`;
}

/**
 * Ranges as a VALUES table (column1 = lowest path, inclusive; column2 = upper bound). A
 * range that leaves out its top starts at top + '0' instead: every path below a scope
 * continues its path with a row id, whose first digit is 1 or more.
 */
export function rangesTable(ranges: Region['ranges']): SQL {
  return sql`(VALUES ${sql.join(
    ranges.map((g) => sql`(${g.self ? g.lo : `${g.lo}0`}, ${g.hi})`),
    sql`, `,
  )})`;
}

export function rangeOn(r: string, g: Region['ranges'][number]): SQL {
  const col = sql.raw(`${r}.path`);
  return g.self ? sql`(${col} >= ${g.lo} AND ${col} < ${g.hi})` : sql`(${col} > ${g.lo} AND ${col} < ${g.hi})`;
}
