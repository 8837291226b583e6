import type {
  GroupFact,
  PrincipalRef,
  RequestFact,
  ResourceFact,
  RoleFact,
  RoleSettings,
  ScheduleFact,
  SettingsFact,
  TenantSnapshot,
  UserFact,
} from './types';
import { ActiveGrants } from './grants';

/**
 * One resource with everything a point query needs hanging off it: the parent link, the
 * ancestor path (so "is a above n?" is one array read), and the schedules and explicit
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
   * The ancestors root-first, ending with the node itself: `path[d]` is the ancestor at
   * depth d. `a` is `n` or an ancestor of `n` iff n.path[a.depth] === a. Unlike pre-order
   * numbers, a path changes only for the subtree that moved, so the index can follow a
   * change in time proportional to it (ADR 012).
   */
  path: ResourceNode[];
  /** PIM enabled here or on an ancestor ("children of a managed resource are managed") */
  managed: boolean;
  children: ResourceNode[];
  /** active schedules at this exact scope, by role id */
  active?: Map<string, ScheduleFact[]>;
  /** eligible schedules at this exact scope, by role id */
  eligible?: Map<string, ScheduleFact[]>;
  /** explicit settings at this exact scope, by role id */
  settings?: Map<string, RoleSettings>;
}

/** Deeper than any ARM hierarchy (MG nesting ≤ 6 + subscription + RG + resource + child). */
const MAX_DEPTH = 64;

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
  /** enabled tenant PIM administrators, in id order */
  pimAdmins: UserFact[];
  requests: Map<string, RequestFact>;
  /** requests by requestKey(principal, role, scope) */
  requestsByTarget: Map<string, RequestFact[]>;
  /** requests by principal id (a handful each) */
  requestsByPrincipal: Map<string, RequestFact[]>;
  /**
   * Principal-centric view of the active schedules, plus what evaluateActivation needs per
   * user (fact, groups, pending SelfActivate requests): see grants.ts and ADR 011/012.
   */
  grants: ActiveGrants;
  /**
   * Facts whose resource is not (yet) in the tree: children of an unknown parent, and
   * schedules and settings on an unknown scope. They grant nothing until the resource
   * arrives; then they are hung where they belong, as a full build would have.
   */
  waiting: {
    children: Map<string, ResourceNode[]>;
    schedules: Map<string, ScheduleFact[]>;
    settings: Map<string, SettingsFact[]>;
  };
}

export function requestKey(principal: PrincipalRef, roleId: string, scopeId: string): string {
  return `${principal.type}\u0000${principal.id}\u0000${roleId}\u0000${scopeId}`;
}

export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Remove `value` (by identity) from the list under `key`; drops the key when the list empties. */
export function pull<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(value);
  if (i < 0) return;
  list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}

function newNode(fact: ResourceFact): ResourceNode {
  // every field present from the start (optional maps as undefined), so all 100k nodes
  // share one hidden class and property reads in the hot paths stay monomorphic
  return {
    fact,
    id: fact.id,
    parent: null,
    depth: 0,
    path: [],
    managed: fact.managed,
    children: [],
    active: undefined,
    eligible: undefined,
    settings: undefined,
  };
}

export interface IndexOptions {
  /** grants of one role per principal above which they are also keyed by scope (see grants.ts) */
  scanMax?: number;
}

/** An index of nothing, ready for the put and remove operations below. */
export function emptyPolicyIndex(opts: IndexOptions = {}): PolicyIndex {
  const resources = new Map<string, ResourceNode>();
  return {
    resources,
    roots: [],
    roles: new Map(),
    users: new Map(),
    groups: new Map(),
    groupsByUser: new Map(),
    schedules: new Map(),
    schedulesByUser: new Map(),
    schedulesByGroup: new Map(),
    pimAdmins: [],
    requests: new Map(),
    requestsByTarget: new Map(),
    requestsByPrincipal: new Map(),
    grants: new ActiveGrants(resources, opts.scanMax),
    waiting: { children: new Map(), schedules: new Map(), settings: new Map() },
  };
}

/**
 * Depth, path and inherited `managed` for `node` and everything below it, from its
 * parent's (already correct) values. Iterative: no recursion limit.
 */
export function refreshSubtree(node: ResourceNode): void {
  const stack: ResourceNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const p = n.parent;
    n.depth = p === null ? 0 : p.depth + 1;
    n.path = p === null ? [n] : [...p.path, n];
    n.managed = n.fact.managed || (p !== null && p.managed);
    for (let i = 0; i < n.children.length; i++) stack.push(n.children[i]);
  }
}

/**
 * Would hanging `node` under `parent` close a cycle (or nest deeper than any real tree)?
 * A parent cycle is corrupt data: the node then stays a root rather than loop forever.
 */
export function wouldCycle(node: ResourceNode, parent: ResourceNode): boolean {
  return parent === node || isUnderNode(parent, node) || parent.depth + 1 > MAX_DEPTH;
}

function isUnderNode(node: ResourceNode, ancestor: ResourceNode): boolean {
  return ancestor.depth <= node.depth && node.path[ancestor.depth] === ancestor;
}

/** Build every index once per snapshot: the incremental operations, applied to an empty index. */
export function buildPolicyIndex(snapshot: TenantSnapshot, opts: IndexOptions = {}): PolicyIndex {
  const index = emptyPolicyIndex(opts);
  const { resources, roots } = index;
  // resources in bulk: link parents once all nodes exist (parents may come after children)
  for (const fact of snapshot.resources) {
    const old = resources.get(fact.id);
    if (old) old.fact = fact;
    else resources.set(fact.id, newNode(fact));
  }
  for (const node of resources.values()) {
    node.managed = node.fact.managed;
    const pid = node.fact.parentId;
    const parent = pid === null ? undefined : resources.get(pid);
    if (parent && parent !== node) {
      node.parent = parent;
      parent.children.push(node);
    } else {
      if (pid !== null && !parent) push(index.waiting.children, pid, node);
      roots.push(node);
    }
  }
  // a parent cycle is corrupt data; rather than loop forever, cut the node loose as a root
  for (const node of resources.values()) {
    let d = 0;
    for (let p = node.parent; p && d <= MAX_DEPTH; p = p.parent) d++;
    if (d > MAX_DEPTH) {
      node.parent!.children.splice(node.parent!.children.indexOf(node), 1);
      node.parent = null;
      roots.push(node);
    }
  }
  for (const root of roots) refreshSubtree(root);

  for (const r of snapshot.roles) index.roles.set(r.id, r);
  for (const u of snapshot.users) putUserFact(index, u);
  for (const g of snapshot.groups) putGroupFact(index, g);
  for (const s of snapshot.schedules) putScheduleFact(index, s);
  for (const st of snapshot.settings) putSettingsFact(index, st);
  for (const r of snapshot.requests) putRequestFact(index, r);
  return index;
}

/* ------------------------------------------------------------------------------------
 * Incremental operations. Each replaces one fact (or removes it) in every structure that
 * holds it, in time proportional to that fact's neighbourhood — never the tenant. Facts
 * are immutable once indexed: a change is a new fact replacing the old one.
 * ---------------------------------------------------------------------------------- */

export function putResourceFact(index: PolicyIndex, fact: ResourceFact): void {
  const { resources } = index;
  let node = resources.get(fact.id);
  const isNew = node === undefined;
  if (node === undefined) {
    node = newNode(fact);
    resources.set(fact.id, node);
  }
  const oldParentId = isNew ? undefined : node.fact.parentId;
  const structural = isNew || oldParentId !== fact.parentId || node.fact.managed !== fact.managed;
  node.fact = fact;
  if (isNew || oldParentId !== fact.parentId) {
    detach(index, node, oldParentId);
    const parent = fact.parentId === null ? undefined : resources.get(fact.parentId);
    if (parent !== undefined && !wouldCycle(node, parent)) {
      node.parent = parent;
      parent.children.push(node);
    } else {
      if (fact.parentId !== null && parent === undefined) push(index.waiting.children, fact.parentId, node);
      index.roots.push(node);
    }
  }
  if (isNew) {
    refreshSubtree(node); // its own path first, so adopting a child that is its ancestor is seen as a cycle
    // children that arrived before their parent, and facts that waited for this scope
    const orphans = index.waiting.children.get(fact.id);
    if (orphans) {
      index.waiting.children.delete(fact.id);
      for (const c of orphans) {
        if (c === node || wouldCycle(c, node)) continue;
        const i = index.roots.indexOf(c);
        if (i >= 0) index.roots.splice(i, 1);
        c.parent = node;
        node.children.push(c);
      }
    }
  }
  // a rename touches the node alone; a move or a PIM switch re-derives its subtree
  if (structural) refreshSubtree(node);
  if (isNew) {
    const settings = index.waiting.settings.get(fact.id);
    if (settings) {
      index.waiting.settings.delete(fact.id);
      for (const st of settings) putSettingsFact(index, st);
    }
    const schedules = index.waiting.schedules.get(fact.id);
    if (schedules) {
      index.waiting.schedules.delete(fact.id);
      for (const s of schedules) putScheduleFact(index, s);
    }
  }
}

/** Unhook `node` from its parent (or the roots, or the waiting list of its parent id). */
function detach(index: PolicyIndex, node: ResourceNode, parentId: string | null | undefined): void {
  if (node.parent !== null) {
    const siblings = node.parent.children;
    siblings.splice(siblings.indexOf(node), 1);
    node.parent = null;
    return;
  }
  const i = index.roots.indexOf(node);
  if (i >= 0) index.roots.splice(i, 1);
  if (parentId !== undefined && parentId !== null) pull(index.waiting.children, parentId, node);
}

export function removeResource(index: PolicyIndex, id: string): void {
  const node = index.resources.get(id);
  if (!node) return;
  // what hangs off it waits for the resource to come back, as a build would leave it
  const schedules: ScheduleFact[] = [];
  for (const m of [node.active, node.eligible]) if (m) for (const list of m.values()) schedules.push(...list);
  for (const s of schedules) removeSchedule(index, s.id);
  const settings: SettingsFact[] = [];
  if (node.settings) for (const [roleId, st] of node.settings) settings.push({ scopeId: id, roleId, settings: st });
  detach(index, node, node.fact.parentId);
  index.resources.delete(id);
  for (const c of [...node.children]) {
    c.parent = null;
    index.roots.push(c);
    push(index.waiting.children, id, c);
    refreshSubtree(c);
  }
  node.children = [];
  for (const st of settings) push(index.waiting.settings, id, st);
  for (const s of schedules) putScheduleFact(index, s);
}

export function putRoleFact(index: PolicyIndex, fact: RoleFact): void {
  index.roles.set(fact.id, fact);
}

export function removeRole(index: PolicyIndex, id: string): void {
  index.roles.delete(id);
}

export function putUserFact(index: PolicyIndex, fact: UserFact): void {
  const old = index.users.get(fact.id);
  if (old) {
    const i = index.pimAdmins.indexOf(old);
    if (i >= 0) index.pimAdmins.splice(i, 1);
  }
  index.users.set(fact.id, fact);
  if (fact.isPimAdmin && !fact.disabled) {
    // kept in id order, so who is offered as approver never depends on the order facts arrived in
    const at = index.pimAdmins.findIndex((a) => a.id > fact.id);
    index.pimAdmins.splice(at < 0 ? index.pimAdmins.length : at, 0, fact);
  }
  index.grants.setUser(fact.id, fact, index.groupsByUser.get(fact.id));
}

export function removeUser(index: PolicyIndex, id: string): void {
  const old = index.users.get(id);
  if (!old) return;
  const i = index.pimAdmins.indexOf(old);
  if (i >= 0) index.pimAdmins.splice(i, 1);
  index.users.delete(id);
  index.grants.setUser(id, undefined, index.groupsByUser.get(id));
}

export function putGroupFact(index: PolicyIndex, fact: GroupFact): void {
  const old = index.groups.get(fact.id);
  const before = new Set(old?.memberIds ?? []);
  const after = new Set(fact.memberIds);
  index.groups.set(fact.id, fact);
  for (const uid of before) if (!after.has(uid)) leaveGroup(index, uid, fact.id);
  for (const uid of after) if (!before.has(uid)) joinGroup(index, uid, fact.id);
}

export function removeGroup(index: PolicyIndex, id: string): void {
  const old = index.groups.get(id);
  if (!old) return;
  index.groups.delete(id);
  for (const uid of old.memberIds) leaveGroup(index, uid, id);
}

function joinGroup(index: PolicyIndex, userId: string, groupId: string): void {
  let set = index.groupsByUser.get(userId);
  if (!set) index.groupsByUser.set(userId, (set = new Set()));
  set.add(groupId);
  index.grants.setUser(userId, index.users.get(userId), set);
}

function leaveGroup(index: PolicyIndex, userId: string, groupId: string): void {
  const set = index.groupsByUser.get(userId);
  if (!set) return;
  set.delete(groupId);
  index.grants.setUser(userId, index.users.get(userId), set);
}

export function putScheduleFact(index: PolicyIndex, s: ScheduleFact): void {
  removeSchedule(index, s.id);
  index.schedules.set(s.id, s);
  push(s.principal.type === 'User' ? index.schedulesByUser : index.schedulesByGroup, s.principal.id, s);
  const node = nodeOf(index, s.scopeId);
  if (!node) {
    // a schedule on an unknown scope grants nothing anywhere, until the scope arrives
    push(index.waiting.schedules, s.scopeId, s);
  } else {
    const byRole = s.kind === 'active' ? (node.active ??= new Map()) : (node.eligible ??= new Map());
    push(byRole, s.roleId, s);
  }
  index.grants.addSchedule(s, node);
}

export function removeSchedule(index: PolicyIndex, id: string): void {
  const s = index.schedules.get(id);
  if (!s) return;
  index.schedules.delete(id);
  pull(s.principal.type === 'User' ? index.schedulesByUser : index.schedulesByGroup, s.principal.id, s);
  const node = nodeOf(index, s.scopeId);
  if (!node) {
    pull(index.waiting.schedules, s.scopeId, s);
  } else {
    const byRole = s.kind === 'active' ? node.active : node.eligible;
    if (byRole) {
      pull(byRole, s.roleId, s);
      if (byRole.size === 0) {
        if (s.kind === 'active') node.active = undefined;
        else node.eligible = undefined;
      }
    }
  }
  index.grants.removeSchedule(s);
}

export function putSettingsFact(index: PolicyIndex, st: SettingsFact): void {
  const node = index.resources.get(st.scopeId);
  if (!node) {
    const list = (index.waiting.settings.get(st.scopeId) ?? []).filter((w) => w.roleId !== st.roleId);
    list.push(st);
    index.waiting.settings.set(st.scopeId, list);
    return;
  }
  (node.settings ??= new Map()).set(st.roleId, st.settings);
}

export function removeSettings(index: PolicyIndex, scopeId: string, roleId: string): void {
  const node = index.resources.get(scopeId);
  if (!node) {
    const list = index.waiting.settings.get(scopeId)?.filter((w) => w.roleId !== roleId);
    if (list && list.length) index.waiting.settings.set(scopeId, list);
    else index.waiting.settings.delete(scopeId);
    return;
  }
  node.settings?.delete(roleId);
  if (node.settings?.size === 0) node.settings = undefined;
}

export function putRequestFact(index: PolicyIndex, r: RequestFact): void {
  removeRequest(index, r.id);
  index.requests.set(r.id, r);
  push(index.requestsByPrincipal, r.principal.id, r);
  push(index.requestsByTarget, requestKey(r.principal, r.roleId, r.scopeId), r);
  index.grants.addRequest(r);
}

export function removeRequest(index: PolicyIndex, id: string): void {
  const r = index.requests.get(id);
  if (!r) return;
  index.requests.delete(id);
  pull(index.requestsByPrincipal, r.principal.id, r);
  pull(index.requestsByTarget, requestKey(r.principal, r.roleId, r.scopeId), r);
  index.grants.removeRequest(r);
}

/* ---------------------------------------------------------------------------------- */

/** Ids are canonical lower case; tolerate a caller that forgot, at the cost of one lookup. */
export function nodeOf(index: PolicyIndex, scopeId: string): ResourceNode | undefined {
  return index.resources.get(scopeId) ?? index.resources.get(scopeId.toLowerCase());
}

/** root → scope, for breadcrumbs. Empty for an unknown scope. */
export function pathOf(index: PolicyIndex, scopeId: string): ResourceFact[] {
  return nodeOf(index, scopeId)?.path.map((n) => n.fact) ?? [];
}

/** PIM enabled on the resource itself or inherited from an ancestor. */
export function isManaged(index: PolicyIndex, scopeId: string): boolean {
  return nodeOf(index, scopeId)?.managed ?? false;
}

/** Is `ancestorId` the same resource as `scopeId` or above it? One array read. */
export function isAncestorOrSelf(index: PolicyIndex, ancestorId: string, scopeId: string): boolean {
  const a = nodeOf(index, ancestorId);
  const n = nodeOf(index, scopeId);
  return a !== undefined && n !== undefined && isNodeUnder(n, a);
}

/** Node-level ancestor-or-self test: `ancestor` sits at its depth on `node`'s path. */
export function isNodeUnder(node: ResourceNode, ancestor: ResourceNode): boolean {
  return ancestor.depth <= node.depth && node.path[ancestor.depth] === ancestor;
}

/** Every resource strictly below `scopeId`, breadth-first (admin views; not for point queries). */
export function descendantsOf(index: PolicyIndex, scopeId: string, opts: { managedOnly?: boolean } = {}): ResourceFact[] {
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
