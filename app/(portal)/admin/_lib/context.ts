import 'server-only';
import { NextResponse } from 'next/server';
import { getDb } from '@/lib/db';
import { getCurrentUser, requireUser } from '@/lib/auth/session';
import { policyIndex } from '@/lib/tenant/engine';
import { describe, isTenantPimAdmin, managementAccess, type PolicyIndex } from '@/lib/policy';
import { administersAnywhere } from '@/lib/portal/persona';
import { nameLookup } from '@/lib/resources/names';
import type { User } from '@/lib/db';

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

/** A JSON error in the shape the portal's route handlers answer with. */
export const jsonError = (status: number, code: string, message: string) =>
  NextResponse.json({ error: { code, message } }, { status, headers: { 'Cache-Control': 'no-store' } });

/**
 * The same context for an admin route handler, which answers with JSON instead of a page:
 * signed in, first sign-in finished, and administering somewhere. A route authorizes by
 * itself (a page check protects nothing); scope-level checks stay with the handler.
 */
export async function adminRouteContext(): Promise<AdminContext | Response> {
  const user = await getCurrentUser();
  if (!user) return jsonError(401, 'Unauthenticated', 'Your session has ended. Sign in again.');
  if (user.mustChangePassword || user.mustEnrolMfa)
    return jsonError(403, 'AuthorizationFailed', 'Finish first sign-in (new password and MFA) first.');
  const ctx = { user, now: Date.now(), index: policyIndex(getDb()) };
  if (!administers(ctx)) return jsonError(403, 'AuthorizationFailed', "You don't have PIM management access anywhere.");
  return ctx;
}

/** The page-level verdict (actions re-check on their own): may this user manage PIM at the scope? */
export function scopeAccess(ctx: AdminContext, scopeId: string): { allowed: true } | { allowed: false; hint?: string } {
  const a = managementAccess(ctx.index, ctx.user.id, scopeId, ctx.now);
  if (a.allowed) return { allowed: true };
  const hint = a.eligibleOnly[0] ? `You are eligible: ${describe(a.eligibleOnly[0], nameLookup(ctx.index))}, then come back.` : undefined;
  return { allowed: false, hint };
}

/** Administers somewhere (PIM admin, or an active Owner / UAA anywhere): may open the admin area at all. */
export const administers = (ctx: AdminContext) => administersAnywhere(ctx.index, ctx.user.id, ctx.now);

/** A tenant PIM administrator (the engine's isTenantPimAdmin): users and groups, tenant audit, outbox, connectors. */
export const tenantPimAdmin = (ctx: AdminContext) => isTenantPimAdmin(ctx.index, ctx.user.id);

/** Names for pages: scope path, role and principal names from the engine's index. */
export const names = (ctx: AdminContext) => nameLookup(ctx.index);
