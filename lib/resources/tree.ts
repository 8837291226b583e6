import { scheduleStatus, weakerChildren, type Millis, type PolicyIndex, type Reason, type ResourceKind, type ResourceNode, type ScheduleFact } from '@/lib/policy';

/** One row of the resource tree browser: what is assigned here, what flows down from above, whether settings are explicit. */
export interface TreeNodeView {
  id: string;
  name: string;
  kind: ResourceKind;
  managed: boolean;
  /** PIM was enabled on this node itself (not only inherited) */
  enabledHere: boolean;
  depth: number;
  /** role ids with explicit settings at this node */
  explicitSettings: string[];
  direct: ScheduleFact[];
  inherited: { schedule: ScheduleFact; fromScopeId: string }[];
  /** why this scope demands less than an ancestor with explicit settings (rule 9) */
  weaker: Reason[];
  children: TreeNodeView[];
  /** children not rendered because of the size cap */
  hiddenChildren: number;
  /** the viewer does not manage this scope: its assignments and settings are left out */
  redacted: boolean;
}

const live = (s: ScheduleFact, now: Millis) => {
  const st = scheduleStatus(s, now);
  return st === 'Active' || st === 'Scheduled';
};

export function directSchedules(node: ResourceNode, now: Millis): ScheduleFact[] {
  const out: ScheduleFact[] = [];
  for (const map of [node.eligible, node.active]) for (const list of map?.values() ?? []) for (const s of list) if (live(s, now)) out.push(s);
  return out;
}

/** Assignments made at ancestors, which apply here too (rule 1), with the scope they come from. */
export function inheritedSchedules(node: ResourceNode, now: Millis) {
  const out: { schedule: ScheduleFact; fromScopeId: string }[] = [];
  for (let p = node.parent; p; p = p.parent) for (const s of directSchedules(p, now)) out.push({ schedule: s, fromScopeId: p.fact.id });
  return out;
}

/**
 * The tree from the roots, breadth-capped so a 100k-resource tenant still renders; search
 * reaches the rest. `canSee` says at which scopes the viewer may read who holds what
 * (management access there): elsewhere the node shows only its name and place in the tree.
 */
export function resourceTree(index: PolicyIndex, now: Millis, opts: { maxNodes?: number; maxChildren?: number; canSee?: (scopeId: string) => boolean } = {}): TreeNodeView[] {
  const maxNodes = opts.maxNodes ?? 400;
  const maxChildren = opts.maxChildren ?? 50;
  let budget = maxNodes;
  const weak = weakerMarks(index);
  const build = (n: ResourceNode): TreeNodeView => {
    budget--;
    const kids = [...n.children].sort((a, b) => a.fact.name.localeCompare(b.fact.name));
    const shown: TreeNodeView[] = [];
    for (const c of kids.slice(0, maxChildren)) {
      if (budget <= 0) break;
      shown.push(build(c));
    }
    const base = {
      id: n.fact.id, name: n.fact.name, kind: n.fact.kind, managed: n.managed, enabledHere: n.fact.managed, depth: n.depth,
      children: shown, hiddenChildren: kids.length - shown.length,
    };
    if (opts.canSee && !opts.canSee(n.fact.id)) return { ...base, explicitSettings: [], weaker: [], direct: [], inherited: [], redacted: true };
    return {
      ...base, explicitSettings: [...(n.settings?.keys() ?? [])], weaker: weak.get(n.fact.id) ?? [],
      direct: directSchedules(n, now), inherited: inheritedSchedules(n, now), redacted: false,
    };
  };
  return index.roots.map(build);
}

/** Name or id contains the text (case-insensitive); at most `limit` hits. */
export function searchResources(index: PolicyIndex, q: string, limit = 50): ResourceNode[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [];
  const out: ResourceNode[] = [];
  for (const n of index.resources.values()) {
    if (n.fact.name.toLowerCase().includes(needle) || n.fact.id.includes(needle)) {
      out.push(n);
      if (out.length >= limit) break;
    }
  }
  return out;
}

/** "Discover resources": management groups and subscriptions on which PIM is not enabled yet (not even from above). */
export function discoverableResources(index: PolicyIndex): ResourceNode[] {
  return [...index.resources.values()]
    .filter((n) => !n.managed && (n.fact.kind === 'managementGroup' || n.fact.kind === 'subscription'))
    .sort((a, b) => a.depth - b.depth || a.fact.name.localeCompare(b.fact.name));
}

/** Scopes weaker than an ancestor's explicit settings, from the engine (admin view: walks each such subtree once). */
function weakerMarks(index: PolicyIndex): Map<string, Reason[]> {
  const out = new Map<string, Reason[]>();
  for (const n of index.resources.values()) {
    for (const roleId of n.settings?.keys() ?? []) {
      for (const w of weakerChildren(index, n.fact.id, roleId)) {
        const list = out.get(w.scopeId) ?? [];
        list.push(...w.reasons);
        out.set(w.scopeId, list);
      }
    }
  }
  return out;
}
