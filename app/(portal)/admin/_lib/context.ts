import 'server-only';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { policyIndex } from '@/lib/tenant/engine';
import { describe, managementAccess, type PolicyIndex } from '@/lib/policy';
import { personaOf } from '@/lib/portal/persona';
import { nameLookup } from '@/lib/resources/names';
import type { User } from '@/db/schema';

export interface AdminContext {
  user: User;
  now: number;
  index: PolicyIndex;
}

/** Signed-in user and a fresh engine index for an admin page. */
export async function adminContext(): Promise<AdminContext> {
  const user = await requireUser();
  return { user, now: Date.now(), index: policyIndex(getDb()) };
}

/** The page-level verdict (actions re-check on their own): may this user manage PIM at the scope? */
export function scopeAccess(ctx: AdminContext, scopeId: string): { allowed: true } | { allowed: false; hint?: string } {
  const a = managementAccess(ctx.index, ctx.user.id, scopeId, ctx.now);
  if (a.allowed) return { allowed: true };
  const hint = a.eligibleOnly[0] ? `You are eligible: ${describe(a.eligibleOnly[0], nameLookup(ctx.index))}, then come back.` : undefined;
  return { allowed: false, hint };
}

/** Administers somewhere (PIM admin, or an active Owner / UAA anywhere): may open the admin area at all. */
export const administers = (ctx: AdminContext) => personaOf(ctx.index, ctx.user.id, ctx.now).administers;

/** Names for pages: scope path, role and principal names from the engine's index. */
export const names = (ctx: AdminContext) => nameLookup(ctx.index);
