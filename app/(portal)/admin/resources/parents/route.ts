import { NextResponse } from 'next/server';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { PARENT_KINDS } from '@/lib/resources';
import type { ParentOptions } from '@/lib/resources/levels';
import { administeredScopes, searchAdministeredResources } from '@/lib/resources/administered';
import { searchText } from '@/lib/portal/keyset';
import { scopePathText } from '@/lib/portal/scope-path';
import type { ResourceKind } from '@/lib/policy';
import { adminRouteContext, jsonError } from '../../_lib/context';

export const dynamic = 'force-dynamic';

/** How many parents the picker offers at once; typing narrows it. */
const PARENTS_SHOWN = 50;

const query = z.object({
  kind: z.enum(['managementGroup', 'subscription', 'resourceGroup', 'resource']),
  q: z.string().max(1000).optional(),
});

/**
 * The parents a new resource of `kind` may be added under, for the "Add a resource"
 * form: fitting kinds, where the user manages PIM (everywhere for a PIM administrator),
 * matching the typed text, at most PARENTS_SHOWN. Authorizes by itself; the action that
 * adds the resource checks again.
 */
export async function GET(req: Request) {
  const ctx = await adminRouteContext();
  if (ctx instanceof Response) return ctx;
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success)
    return jsonError(400, 'InvalidRequest', 'Give kind (the kind of resource to add) and optionally q (part of a name).');
  const kinds = PARENT_KINDS[parsed.data.kind].filter((k): k is ResourceKind => k !== null);
  if (!kinds.length) return NextResponse.json({ options: [], more: false } satisfies ParentOptions);
  const db = getDb();
  const adm = administeredScopes(db, ctx.index, ctx.user.id, ctx.now);
  const page = searchAdministeredResources(db, adm, searchText(parsed.data.q).q, kinds, PARENTS_SHOWN);
  const body: ParentOptions = {
    options: page.rows.map((r) => ({ id: r.id, label: scopePathText(ctx.index, r.id), kind: r.kind })),
    more: page.next !== null,
  };
  return NextResponse.json(body, { headers: { 'Cache-Control': 'no-store' } });
}
