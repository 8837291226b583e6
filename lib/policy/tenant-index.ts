import type {
  GroupFact, PrincipalRef, RequestFact, ResourceFact, RoleFact, RoleSettings, ScheduleFact,
  TenantSnapshot, UserFact,
} from './types';
import { GrantsBuilder, type ActiveGrants } from './grants';

/**
 * One resource with everything a point query needs hanging off it: the parent link (so
 * a query walks ≤ 6 ancestors instead of the tree), and the schedules and explicit
 * settings made *at* this scope keyed by role. Maps are created only where something
 * exists, which keeps 100k mostly-empty leaves cheap.
 */
export interface ResourceNode {
  fact: ResourceFact;
  /** fact.id, kept on the node so a point query reading the canonical id does not also load the fact */
  id: string;
  parent: ResourceNode | null;
  /** root = 0 */
  depth: number;
  /**
   * Pre-order number in a depth-first walk of the forest, and one past the last number in
   * this node's subtree: `a` is `n` or an ancestor of `n` iff a.pre <= n.pre < a.end.
   * Lets point queries test ancestry with two comparisons instead of walking parents.
   */
  pre: number;
  end: number;
  /** PIM enabled here or on an ancestor ("children of a managed resource are managed") */
  managed: boolean;
  children: ResourceNode[];
  /** active schedules at this exact scope, by role id */
  active?: Map<string, ScheduleFact[]>;
  /**
   * Bit set of roles (see PolicyIndex.roleBits) with active schedules here. hasRole walks
   * up to six ancestors and most have nothing for the role: one AND skips the map lookup.
   */
  activeRoleMask: number;

  /**
   * For busy (scope, role) pairs only: the same active schedules keyed by principal, so
   * a point query at a management group holding hundreds of assignments does a couple
   * of map lookups instead of a scan.
   */
  activeByPrincipal?: Map<string, PrincipalBuckets>;
  /** eligible schedules at this exact scope, by role id */
  eligible?: Map<string, ScheduleFact[]>;
  /** explicit settings at this exact scope, by role id */
  settings?: Map<string, RoleSettings>;
}

export interface PrincipalBuckets {
  users: Map<string, ScheduleFact[]>;
  groups: Map<string, ScheduleFact[]>;
}

/** Deeper than any ARM hierarchy (MG nesting ≤ 6 + subscription + RG + resource + child). */
const MAX_DEPTH = 64;

/**
 * Active lists longer than this get principal buckets. Scanning costs a cache miss or
 * three per schedule (schedule, principal, id); a bucket probe costs about one per group
 * of the user, so buckets win from a handful of schedules up.
 */
export const BUCKET_THRESHOLD = 2;

export interface PolicyIndex {
  resources: Map<string, ResourceNode>;
  roots: ResourceNode[];
  roles: Map<string, RoleFact>;
  users: Map<string, UserFact>;
  groups: Map<string, GroupFact>;
  /** user id → ids of the groups the user belongs to */
  groupsByUser: Map<string, Set<string>>;
  schedules: Map<string, ScheduleFact>;
  /** schedules whose principal is this user directly */
  schedulesByUser: Map<string, ScheduleFact[]>;
  /** schedules whose principal is this group */
  schedulesByGroup: Map<string, ScheduleFact[]>;
  schedulesByRole: Map<string, ScheduleFact[]>;
  /** role id → bit for ResourceNode.activeRoleMask (roles past the 30th share the last bit) */
  roleBits: Map<string, number>;
  /** enabled tenant PIM administrators */
  pimAdmins: UserFact[];
  requests: Map<string, RequestFact>;
  /** requests by requestKey(principal, role, scope) */
  requestsByTarget: Map<string, RequestFact[]>;
  /** requests by principal id (a handful each) */
  requestsByPrincipal: Map<string, RequestFact[]>;
  /**
   * Principal-centric view of the active schedules, plus what evaluateActivation needs per
   * user (fact, groups, pending SelfActivate requests): see grants.ts and ADR 011.
   */
  grants: ActiveGrants;
}

export function requestKey(principal: PrincipalRef, roleId: string, scopeId: string): string {
  return `${principal.type}\u0000${principal.id}\u0000${roleId}\u0000${scopeId}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Build every index once per snapshot; all queries afterwards are point lookups. */
export function buildPolicyIndex(snapshot: TenantSnapshot, opts: { bucketThreshold?: number } = {}): PolicyIndex {
  const bucketThreshold = opts.bucketThreshold ?? BUCKET_THRESHOLD;
  const resources = new Map<string, ResourceNode>();
  for (const fact of snapshot.resources) {
    // every field present from the start (optional maps as undefined), so all 100k nodes
    // share one hidden class and property reads in the hot paths stay monomorphic; added
    // later in varying order they made 16 shapes and megamorphic inline caches
    resources.set(fact.id, {
      fact, id: fact.id, parent: null, depth: 0, pre: 0, end: 0, managed: fact.managed, children: [], activeRoleMask: 0,
      active: undefined, activeByPrincipal: undefined, eligible: undefined, settings: undefined,
    });
  }
  const roots: ResourceNode[] = [];
  for (const node of resources.values()) {
    const pid = node.fact.parentId;
    const parent = pid === null ? undefined : resources.get(pid);
    if (parent) {
      node.parent = parent;
      parent.children.push(node);
    } else {
      roots.push(node);
    }
  }
  // a parent cycle is corrupt data; rather than loop forever, cut the node loose as a root
  for (const node of resources.values()) {
    let d = 0;
    for (let p = node.parent; p && d <= MAX_DEPTH; p = p.parent) d++;
    if (d > MAX_DEPTH) {
      node.parent?.children.splice(node.parent.children.indexOf(node), 1);
      node.parent = null;
      roots.push(node);
    }
  }
  // depth and inherited `managed` by walking up: parents may come after children
  for (const node of resources.values()) {
    let d = 0;
    let managed = node.fact.managed;
    for (let p = node.parent; p; p = p.parent) {
      d++;
      managed ||= p.fact.managed;
    }
    node.depth = d;
    node.managed = managed;
  }
  numberNodes(roots, resources);

  const groupsByUser = new Map<string, Set<string>>();
  const groups = new Map<string, GroupFact>();
  for (const g of snapshot.groups) {
    groups.set(g.id, g);
    for (const uid of g.memberIds) {
      let set = groupsByUser.get(uid);
      if (!set) groupsByUser.set(uid, (set = new Set()));
      set.add(g.id);
    }
  }

  const users = new Map<string, UserFact>();
  const pimAdmins: UserFact[] = [];
  for (const u of snapshot.users) {
    users.set(u.id, u);
    if (u.isPimAdmin && !u.disabled) pimAdmins.push(u);
  }

  const schedules = new Map<string, ScheduleFact>();
  const schedulesByUser = new Map<string, ScheduleFact[]>();
  const schedulesByGroup = new Map<string, ScheduleFact[]>();
  const schedulesByRole = new Map<string, ScheduleFact[]>();
  const roleBits = new Map<string, number>();
  const bitOf = (roleId: string) => {
    let b = roleBits.get(roleId);
    if (b === undefined) roleBits.set(roleId, (b = 1 << Math.min(roleBits.size, 30)));
    return b;
  };
  for (const r of snapshot.roles) bitOf(r.id);
  const grantsBuilder = new GrantsBuilder(snapshot, resources);
  for (let i = 0; i < snapshot.schedules.length; i++) {
    const s = snapshot.schedules[i];
    schedules.set(s.id, s);
    push(s.principal.type === 'User' ? schedulesByUser : schedulesByGroup, s.principal.id, s);
    push(schedulesByRole, s.roleId, s);
    const node = resources.get(s.scopeId);
    grantsBuilder.add(i, s, node);
    if (!node) continue; // a schedule on an unknown scope grants nothing anywhere
    if (s.kind === 'active') node.activeRoleMask |= bitOf(s.roleId);
    const byRole = s.kind === 'active' ? (node.active ??= new Map()) : (node.eligible ??= new Map());
    push(byRole, s.roleId, s);
  }

  for (const node of resources.values()) {
    if (!node.active) continue;
    for (const [roleId, list] of node.active) {
      if (list.length <= bucketThreshold) continue;
      const b: PrincipalBuckets = { users: new Map(), groups: new Map() };
      for (const s of list) push(s.principal.type === 'User' ? b.users : b.groups, s.principal.id, s);
      (node.activeByPrincipal ??= new Map()).set(roleId, b);
    }
  }

  for (const st of snapshot.settings) {
    const node = resources.get(st.scopeId);
    if (node) (node.settings ??= new Map()).set(st.roleId, st.settings);
  }

  const requests = new Map<string, RequestFact>();
  const requestsByTarget = new Map<string, RequestFact[]>();
  const requestsByPrincipal = new Map<string, RequestFact[]>();
  for (const r of snapshot.requests) {
    requests.set(r.id, r);
    push(requestsByPrincipal, r.principal.id, r);
    push(requestsByTarget, requestKey(r.principal, r.roleId, r.scopeId), r);
  }

  const grants = grantsBuilder.finish(snapshot, users, groupsByUser, schedules);

  return {
    resources, roots, roles: new Map(snapshot.roles.map((r) => [r.id, r])), users, groups,
    groupsByUser, schedules, schedulesByUser, schedulesByGroup, schedulesByRole, roleBits, pimAdmins,
    requests, requestsByTarget, requestsByPrincipal, grants,
  };
}

/** Pre-order numbers (see ResourceNode.pre/end), iteratively: no recursion depth limit. */
function numberNodes(roots: ResourceNode[], resources: Map<string, ResourceNode>): void {
  let next = 0;
  const stack: ResourceNode[] = [];
  const childIndex: number[] = [];
  for (const root of roots) {
    root.pre = next++;
    stack.push(root);
    childIndex.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const n = stack[top];
      const i = childIndex[top];
      if (i < n.children.length) {
        childIndex[top] = i + 1;
        const c = n.children[i];
        c.pre = next++;
        stack.push(c);
        childIndex.push(0);
      } else {
        n.end = next;
        stack.pop();
        childIndex.pop();
      }
    }
  }
  // every node hangs off a root once cycles are cut; this only guards the invariant
  if (next !== resources.size) throw new Error(`policy index: numbered ${next} of ${resources.size} resources`);
}

/** Ids are canonical lower case; tolerate a caller that forgot, at the cost of one lookup. */
export function nodeOf(index: PolicyIndex, scopeId: string): ResourceNode | undefined {
  return index.resources.get(scopeId) ?? index.resources.get(scopeId.toLowerCase());
}

/** root → scope, for breadcrumbs. Empty for an unknown scope. */
export function pathOf(index: PolicyIndex, scopeId: string): ResourceFact[] {
  const out: ResourceFact[] = [];
  for (let n: ResourceNode | null = nodeOf(index, scopeId) ?? null; n; n = n.parent) out.push(n.fact);
  return out.reverse();
}

/** PIM enabled on the resource itself or inherited from an ancestor. */
export function isManaged(index: PolicyIndex, scopeId: string): boolean {
  return nodeOf(index, scopeId)?.managed ?? false;
}

/** Is `ancestorId` the same resource as `scopeId` or above it? Climbs only the depth difference. */
export function isAncestorOrSelf(index: PolicyIndex, ancestorId: string, scopeId: string): boolean {
  const a = nodeOf(index, ancestorId);
  const n = nodeOf(index, scopeId);
  return a !== undefined && n !== undefined && isNodeUnder(n, a);
}

/** Node-level ancestor-or-self test: `node`'s pre-order number falls inside `ancestor`'s subtree range. */
export function isNodeUnder(node: ResourceNode, ancestor: ResourceNode): boolean {
  return ancestor.pre <= node.pre && node.pre < ancestor.end;
}

/** Every resource strictly below `scopeId`, breadth-first (admin views; not for point queries). */
export function descendantsOf(
  index: PolicyIndex, scopeId: string, opts: { managedOnly?: boolean } = {},
): ResourceFact[] {
  const start = nodeOf(index, scopeId);
  return start ? descendantNodes(start, opts.managedOnly ?? false).map((n) => n.fact) : [];
}

/**
 * Node-level variant used internally so callers don't re-look-up every descendant.
 * Breadth-first, so a `limit` keeps the top of the subtree (scope, RGs, then resources).
 */
export function descendantNodes(start: ResourceNode, managedOnly: boolean, limit = Infinity, includeSelf = false): ResourceNode[] {
  const out: ResourceNode[] = [];
  const queue: ResourceNode[] = includeSelf ? [start] : [...start.children];
  for (let i = 0; i < queue.length && out.length < limit; i++) {
    const n = queue[i];
    if (!managedOnly || n.managed) out.push(n);
    for (const c of n.children) queue.push(c);
  }
  return out;
}
