import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { resources, users, type User } from '@/db/schema';
import {
  ROLE_IDS, isAncestorOrSelf, managementAccess, nodeOf, type MemberType, type PolicyIndex, type PrincipalRef,
} from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import type { ArmRoute } from './path';
import { notFound } from './errors';

/** Everything one API call needs: who, when, where, and memoised lookups. */
export interface ArmContext {
  db: Db;
  now: number;
  user: User;
  /** the MFA proof carried by the bearer token (step-up tokens only) */
  mfaVerifiedAt: number | null;
  method: string;
  url: URL;
  origin: string;
  route: ArmRoute;
  /** the scope of the URL, resolved to a known resource; null for tenant-level calls */
  scope: { key: string; armId: string; kind: string; name: string } | null;
  index(): PolicyIndex;
  armIdOf(scopeKey: string): string;
  canManage(scopeKey: string): boolean;
  emailOf(userId: string): string | undefined;
}

export function createContext(db: Db, user: User, mfaVerifiedAt: number | null, route: ArmRoute, req: { method: string; url: URL; origin: string }, now: number): ArmContext {
  const armIds = new Map<string, string>();
  const manage = new Map<string, boolean>();
  const emails = new Map<string, string | undefined>();
  const ctx: ArmContext = {
    db, now, user, mfaVerifiedAt, method: req.method, url: req.url, origin: req.origin, route, scope: null,
    // one revision read per call, so a handler that writes then reads sees its own change
    index: () => policyIndex(db),
    armIdOf(key) {
      let v = armIds.get(key);
      if (v === undefined) {
        v = db.select({ armId: resources.armId }).from(resources).where(eq(resources.id, key)).get()?.armId ?? key;
        armIds.set(key, v);
      }
      return v;
    },
    canManage(key) {
      let v = manage.get(key);
      if (v === undefined) {
        v = managementAccess(ctx.index(), user.id, key, now).allowed;
        manage.set(key, v);
      }
      return v;
    },
    emailOf(userId) {
      if (!emails.has(userId)) emails.set(userId, db.select({ email: users.email }).from(users).where(eq(users.id, userId)).get()?.email);
      return emails.get(userId);
    },
  };
  if (route.scope) {
    const row = db.select().from(resources).where(eq(resources.id, route.scope.key)).get();
    if (!row) throw notFound('ResourceNotFound', `The scope ${route.scope.armId} does not exist in Elevate.`);
    ctx.scope = { key: row.id, armId: row.armId, kind: row.kind, name: row.displayName };
    armIds.set(row.id, row.armId);
  }
  return ctx;
}

/** Is the caller this principal, or (for a group) one of its members? */
export function isMe(ctx: ArmContext, p: PrincipalRef): boolean {
  if (p.type === 'User') return p.id === ctx.user.id;
  return ctx.index().groupsByUser.get(ctx.user.id)?.has(p.id) ?? false;
}

/**
 * Reading follows the portal: your own assignments and requests, and everything at
 * scopes where you have PIM management access (as the scope pages show it).
 */
export function canSee(ctx: ArmContext, item: { principal: PrincipalRef; scopeId: string; requesterId?: string }): boolean {
  return isMe(ctx, item.principal) || item.requesterId === ctx.user.id || ctx.canManage(item.scopeId);
}

/** Relation of an item's scope to the URL scope, for "at, above or below" and atScope(). */
export function scopeRelation(ctx: ArmContext, itemScopeId: string): 'at' | 'above' | 'below' | 'unrelated' {
  const q = ctx.scope?.key;
  if (!q) return 'below';
  if (itemScopeId === q) return 'at';
  const index = ctx.index();
  if (isAncestorOrSelf(index, itemScopeId, q)) return 'above';
  if (isAncestorOrSelf(index, q, itemScopeId)) return 'below';
  return 'unrelated';
}

/** Azure's memberType as seen from the URL scope: via a group, made here/below, or inherited from above. */
export function memberTypeAt(ctx: ArmContext, principal: PrincipalRef, itemScopeId: string): MemberType {
  if (principal.type === 'Group') return 'Group';
  return scopeRelation(ctx, itemScopeId) === 'above' ? 'Inherited' : 'Direct';
}

/** ARM's expandedProperties: display names for the principal, role and scope. */
export function expanded(ctx: ArmContext, principal: PrincipalRef, roleId: string, scopeId: string, roleDefinitionArmId: string) {
  const index = ctx.index();
  const node = nodeOf(index, scopeId);
  const name = principal.type === 'User' ? index.users.get(principal.id)?.displayName : index.groups.get(principal.id)?.name;
  return {
    principal: { id: principal.id, displayName: name ?? principal.id, type: principal.type, ...(principal.type === 'User' ? { email: ctx.emailOf(principal.id) } : {}) },
    roleDefinition: { id: roleDefinitionArmId, displayName: index.roles.get(roleId)?.name ?? roleId, type: BUILT_IN.has(roleId) ? 'BuiltInRole' : 'CustomRole' },
    scope: { id: ctx.armIdOf(scopeId), displayName: node?.fact.name ?? scopeId, type: node ? ARM_SCOPE_TYPE[node.fact.kind] : 'resource' },
  };
}

const BUILT_IN: ReadonlySet<string> = new Set(Object.values(ROLE_IDS));

export const ARM_SCOPE_TYPE: Record<string, string> = {
  managementGroup: 'managementgroup', subscription: 'subscription', resourceGroup: 'resourcegroup', resource: 'resource',
};
