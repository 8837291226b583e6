import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { Millis, PrincipalRef, ScheduleFact, TenantSnapshot } from '../types';

/**
 * Encode a tenant in Cedar, the reference semantics for the differential test and the
 * benchmark (see docs/policy-cedar.md for why this shape):
 * - Resource entities form the tree (`parents` = the parent resource), so `resource in
 *   Resource::"scope"` is rule 1 (inheritance) done by Cedar itself.
 * - User entities have their groups as parents, so `principal in Group::"g"` is group
 *   membership; `disabled` is a user attribute and one forbid policy denies disabled users.
 * - One permit per active assignment, action = the role, with the half-open window and
 *   revocation as a `when` clause over `context.now` (Cedar has no clock either).
 * Test/bench only: lib/policy itself never imports Cedar.
 */

const q = (s: string) => JSON.stringify(s);
const uid = (type: string, id: string) => ({ type, id });

export function principalUid(p: PrincipalRef) {
  return uid(p.type === 'User' ? 'User' : 'Group', p.id);
}

export function policyFor(s: ScheduleFact): string {
  const who = s.principal.type === 'User' ? `principal == User::${q(s.principal.id)}` : `principal in Group::${q(s.principal.id)}`;
  const conds = [`context.now >= ${s.startAt}`];
  if (s.endAt !== null) conds.push(`context.now < ${s.endAt}`);
  if (s.revokedAt !== null) conds.push(`context.now < ${s.revokedAt}`);
  return `permit(${who}, action == Action::${q(s.roleId)}, resource in Resource::${q(s.scopeId)}) when { ${conds.join(' && ')} };`;
}

export interface CedarTenant {
  policies: Record<string, string>;
  /** entity slices: a request needs only the principal (+groups) and the resource (+ancestors) */
  userEntity: Map<string, EntityJson>;
  groupEntity: Map<string, EntityJson>;
  resourceChain: Map<string, EntityJson[]>;
}

export function encodeTenant(snap: TenantSnapshot): CedarTenant {
  const policies: Record<string, string> = {
    'deny-disabled': 'forbid(principal is User, action, resource) when { principal.disabled };',
  };
  for (const s of snap.schedules) if (s.kind === 'active') policies[s.id] = policyFor(s);

  const groupsOf = new Map<string, string[]>();
  for (const g of snap.groups) for (const m of g.memberIds) (groupsOf.get(m) ?? groupsOf.set(m, []).get(m)!).push(g.id);
  const groupEntity = new Map<string, EntityJson>();
  for (const g of snap.groups) groupEntity.set(g.id, { uid: uid('Group', g.id), attrs: {}, parents: [] });
  const userEntity = new Map<string, EntityJson>();
  for (const u of snap.users) {
    userEntity.set(u.id, {
      uid: uid('User', u.id),
      attrs: { disabled: u.disabled },
      parents: (groupsOf.get(u.id) ?? []).map((g) => uid('Group', g)),
    });
  }
  const byId = new Map(snap.resources.map((r) => [r.id, r]));
  const own = new Map<string, EntityJson>();
  for (const r of snap.resources) {
    own.set(r.id, {
      uid: uid('Resource', r.id),
      attrs: {},
      parents: r.parentId && byId.has(r.parentId) ? [uid('Resource', r.parentId)] : [],
    });
  }
  const resourceChain = new Map<string, EntityJson[]>();
  for (const r of snap.resources) {
    const chain: EntityJson[] = [];
    for (let x = byId.get(r.id); x; x = x.parentId ? byId.get(x.parentId) : undefined) chain.push(own.get(x.id)!);
    resourceChain.set(r.id, chain);
  }
  return { policies, userEntity, groupEntity, resourceChain };
}

/** The entities Cedar needs for one request (principal with its groups, resource with ancestors). */
export function entitiesFor(t: CedarTenant, p: PrincipalRef, resourceId: string): EntityJson[] {
  const out: EntityJson[] = [...(t.resourceChain.get(resourceId) ?? [])];
  if (p.type === 'User') {
    const u = t.userEntity.get(p.id);
    if (u) {
      out.push(u);
      for (const g of u.parents) {
        const ge = t.groupEntity.get((g as { id: string }).id);
        if (ge) out.push(ge);
      }
    }
  } else {
    const g = t.groupEntity.get(p.id);
    if (g) out.push(g);
  }
  return out;
}

export interface CedarQuery {
  principal: PrincipalRef;
  roleId: string;
  resourceId: string;
  at: Millis;
}

export function requestFor(t: CedarTenant, query: CedarQuery) {
  return {
    principal: principalUid(query.principal),
    action: uid('Action', query.roleId),
    resource: uid('Resource', query.resourceId),
    context: { now: query.at },
    entities: entitiesFor(t, query.principal, query.resourceId),
  };
}
