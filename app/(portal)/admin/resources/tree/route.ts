import { NextResponse } from 'next/server';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { nodeOf } from '@/lib/policy';
import { treeLevel, treeSearch } from '@/lib/resources/tree';
import { searchText } from '@/lib/portal/keyset';
import { adminRouteContext, jsonError } from '../../_lib/context';
import { seekParam } from '../../_lib/search';

export const dynamic = 'force-dynamic';

const query = z.object({
  /** whose children; absent = the top level */
  parent: z.string().min(1).max(2048).optional(),
  /** search by name, or by ARM id when it starts with "/" */
  q: z.string().max(1000).optional(),
  after: z.string().max(3000).optional(),
  before: z.string().max(3000).optional(),
});

/**
 * One level of the resource tree, or a page of search hits, as JSON for the tree on the
 * Resources page: loaded when a node is expanded, never the whole tree. Authenticates and
 * authorizes by itself; rows where the viewer does not manage PIM carry no assignments.
 */
export async function GET(req: Request) {
  const ctx = await adminRouteContext();
  if (ctx instanceof Response) return ctx;
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success)
    return jsonError(400, 'InvalidRequest', 'Give parent (a resource id), q (search text) and after/before (page links) only.');
  const { parent, q, after, before } = parsed.data;
  const { seek, problem } = seekParam(after, before, ['s', 's']);
  if (problem) return jsonError(400, 'InvalidRequest', problem);
  const db = getDb();
  if (q !== undefined) {
    const text = searchText(q).q;
    if (!text) return jsonError(400, 'InvalidRequest', 'Type part of a name, or an id starting with “/”.');
    return NextResponse.json(treeSearch(db, ctx.index, { q: text }, seek), { headers: { 'Cache-Control': 'no-store' } });
  }
  const node = parent ? nodeOf(ctx.index, parent) : null;
  if (parent && !node) return jsonError(404, 'NotFound', 'That resource does not exist (any more).');
  return NextResponse.json(treeLevel(db, ctx.index, ctx.user.id, node?.fact.id ?? null, ctx.now, seek), {
    headers: { 'Cache-Control': 'no-store' },
  });
}
