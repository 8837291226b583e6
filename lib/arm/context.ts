import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { eligibilitySchedules, groupMembers, groups, resources, roleDefinitions, users, type User } from '@/db/schema';
import { ROLE_IDS, managementAccess, type MemberType, type PolicyIndex, type PrincipalRef } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import type { ArmRoute } from './path';
import { notFound } from './errors';

/** A resource as the API shows it: ARM id in its own casing, display name, kind, tree path. */
export interface ScopeInfo {
  armId: string;
  name: string;
  kind: string;
  path: string;
}
export interface PrincipalInfo {
  displayName: string | null;
  email: string | null;
}

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
  scope: { key: string; armId: string; kind: string; name: string; path: string } | null;
  index(): PolicyIndex;
  /** ids of the groups the caller belongs to (one query per call) */
  myGroups(): string[];
  armIdOf(scopeKey: string): string;
  scopeInfo(scopeKey: string): ScopeInfo | undefined;
  principalInfo(p: PrincipalRef): PrincipalInfo;
  roleName(roleId: string): string | undefined;
  /** the scope of an eligibility schedule (an activation links to it), ended ones included */
  eligibilityScope(eligibilityId: string): string | undefined;
  /**
   * Lists read names with their rows (one joined query per page) and hand them over here,
   * so mapping a page costs no query per row.
   */
  remember(facts: {
    scopes?: [string, ScopeInfo][];
    principals?: [string, PrincipalInfo][];
    roles?: [string, string][];
    eligibilityScopes?: [string, string][];
  }): void;
  canManage(scopeKey: string): boolean;
}

export function createContext(
  db: Db,
  user: User,
  mfaVerifiedAt: number | null,
  route: ArmRoute,
  req: { method: string; url: URL; origin: string },
  now: number,
): ArmContext {
  const scopes = new Map<string, ScopeInfo | undefined>();
  const principals = new Map<string, PrincipalInfo>();
  const roles = new Map<string, string | undefined>();
  const eligibility = new Map<string, string | undefined>();
  const manage = new Map<string, boolean>();
  let groupIds: string[] | undefined;
  let readIndex: PolicyIndex | undefined;
  const ctx: ArmContext = {
    db,
    now,
    user,
    mfaVerifiedAt,
    method: req.method,
    url: req.url,
    origin: req.origin,
    route,
    scope: null,
    // reads (GET) ask the engine for one index and keep it for the whole call; a handler
    // that writes asks again after its write, so it sees its own change
    index: () => (req.method === 'GET' ? (readIndex ??= policyIndex(db)) : policyIndex(db)),
    myGroups() {
      groupIds ??= db
        .select({ id: groupMembers.groupId })
        .from(groupMembers)
        .where(eq(groupMembers.userId, user.id))
        .all()
        .map((g) => g.id);
      return groupIds;
    },
    scopeInfo(key) {
      if (!scopes.has(key)) {
        scopes.set(
          key,
          db
            .select({ armId: resources.armId, name: resources.displayName, kind: resources.kind, path: resources.path })
            .from(resources)
            .where(eq(resources.id, key))
            .get(),
        );
      }
      return scopes.get(key);
    },
    armIdOf: (key) => ctx.scopeInfo(key)?.armId ?? key,
    principalInfo(p) {
      const k = `${p.type}:${p.id}`;
      let v = principals.get(k);
      if (!v) {
        if (p.type === 'User') {
          const u = db.select({ name: users.displayName, email: users.email }).from(users).where(eq(users.id, p.id)).get();
          v = { displayName: u?.name ?? null, email: u?.email ?? null };
        } else {
          v = { displayName: db.select({ name: groups.name }).from(groups).where(eq(groups.id, p.id)).get()?.name ?? null, email: null };
        }
        principals.set(k, v);
      }
      return v;
    },
    roleName(id) {
      if (!roles.has(id))
        roles.set(id, db.select({ name: roleDefinitions.name }).from(roleDefinitions).where(eq(roleDefinitions.id, id)).get()?.name);
      return roles.get(id);
    },
    eligibilityScope(id) {
      if (!eligibility.has(id))
        eligibility.set(
          id,
          db.select({ scopeId: eligibilitySchedules.scopeId }).from(eligibilitySchedules).where(eq(eligibilitySchedules.id, id)).get()
            ?.scopeId,
        );
      return eligibility.get(id);
    },
    remember(facts) {
      for (const [k, v] of facts.scopes ?? []) scopes.set(k, v);
      for (const [k, v] of facts.principals ?? []) principals.set(k, v);
      for (const [k, v] of facts.roles ?? []) roles.set(k, v);
      for (const [k, v] of facts.eligibilityScopes ?? []) eligibility.set(k, v);
    },
    canManage(key) {
      let v = manage.get(key);
      if (v === undefined) {
        v = managementAccess(ctx.index(), user.id, key, now).allowed;
        manage.set(key, v);
      }
      return v;
    },
  };
  if (route.scope) {
    const row = db.select().from(resources).where(eq(resources.id, route.scope.key)).get();
    if (!row) throw notFound('ResourceNotFound', `The scope ${route.scope.armId} does not exist in Elevate.`);
    ctx.scope = { key: row.id, armId: row.armId, kind: row.kind, name: row.displayName, path: row.path };
    scopes.set(row.id, { armId: row.armId, name: row.displayName, kind: row.kind, path: row.path });
  }
  return ctx;
}

/** The key ArmContext.remember takes for a principal: `User:{id}` or `Group:{id}`. */
export const principalKey = (p: PrincipalRef) => `${p.type}:${p.id}`;

/** Is the caller this principal, or (for a group) one of its members? */
export function isMe(ctx: ArmContext, p: PrincipalRef): boolean {
  if (p.type === 'User') return p.id === ctx.user.id;
  return ctx.myGroups().includes(p.id);
}

/**
 * Reading schedules follows the portal: your own assignments, and everything at scopes where
 * you have PIM management access (as the scope pages show it). Requests: canViewRequest.
 */
export function canSee(ctx: ArmContext, item: { principal: PrincipalRef; scopeId: string }): boolean {
  return isMe(ctx, item.principal) || ctx.canManage(item.scopeId);
}

/**
 * Relation of an item's scope to the URL scope, for "at, above or below" and atScope(),
 * read off the materialised paths: an ancestor's path is a prefix of its descendants'.
 */
export function scopeRelation(ctx: ArmContext, itemScopeId: string): 'at' | 'above' | 'below' | 'unrelated' {
  const q = ctx.scope;
  if (!q) return 'below';
  if (itemScopeId === q.key) return 'at';
  const item = ctx.scopeInfo(itemScopeId);
  if (!item || !item.path || !q.path) return 'unrelated';
  if (q.path.startsWith(item.path)) return 'above';
  if (item.path.startsWith(q.path)) return 'below';
  return 'unrelated';
}

/** Azure's memberType as seen from the URL scope: via a group, made here/below, or inherited from above. */
export function memberTypeAt(ctx: ArmContext, principal: PrincipalRef, itemScopeId: string): MemberType {
  if (principal.type === 'Group') return 'Group';
  return scopeRelation(ctx, itemScopeId) === 'above' ? 'Inherited' : 'Direct';
}

/** ARM's expandedProperties: display names for the principal, role and scope. */
export function expanded(ctx: ArmContext, principal: PrincipalRef, roleId: string, scopeId: string, roleDefinitionArmId: string) {
  const who = ctx.principalInfo(principal);
  const scope = ctx.scopeInfo(scopeId);
  return {
    principal: {
      id: principal.id,
      displayName: who.displayName ?? principal.id,
      type: principal.type,
      ...(principal.type === 'User' ? { email: who.email ?? undefined } : {}),
    },
    roleDefinition: {
      id: roleDefinitionArmId,
      displayName: ctx.roleName(roleId) ?? roleId,
      type: BUILT_IN.has(roleId) ? 'BuiltInRole' : 'CustomRole',
    },
    scope: { id: scope?.armId ?? scopeId, displayName: scope?.name ?? scopeId, type: scope ? ARM_SCOPE_TYPE[scope.kind] : 'resource' },
  };
}

const BUILT_IN: ReadonlySet<string> = new Set(Object.values(ROLE_IDS));

export const ARM_SCOPE_TYPE: Record<string, string> = {
  managementGroup: 'managementgroup',
  subscription: 'subscription',
  resourceGroup: 'resourcegroup',
  resource: 'resource',
};
