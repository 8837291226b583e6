import type { PolicyIndex } from '../tenant-index';

/**
 * Everything a PolicyIndex holds, as plain sorted data, so two indexes (one followed
 * change by change, one built from scratch) can be compared with toEqual. Orders that
 * carry no meaning (map insertion, children order) are normalised; orders the engine's
 * answers depend on are not (there are none left: rule 5 reports duplicates by id order
 * within one scope, and each answer is recomputed by the caller's tests).
 */
export function canonicalIndex(index: PolicyIndex) {
  const sortBy = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const ids = <T extends { id: string }>(xs: Iterable<T>) => [...xs].map((x) => x.id).sort();
  const mapOfLists = <T extends { id: string }>(m: Map<string, T[]> | undefined) =>
    m
      ? Object.fromEntries(
          [...m]
            .filter(([, l]) => l.length > 0)
            .map(([k, l]) => [k, ids(l)])
            .sort(),
        )
      : {};
  const resources = sortBy([...index.resources.values()], (n) => n.id).map((n) => ({
    fact: n.fact,
    parent: n.parent?.id ?? null,
    depth: n.depth,
    path: n.path.map((p) => p.id),
    managed: n.managed,
    children: ids(n.children),
    active: mapOfLists(n.active),
    eligible: mapOfLists(n.eligible),
    settings: n.settings ? Object.fromEntries([...n.settings].sort()) : {},
  }));
  const entry = (e: {
    fact: unknown;
    holds: boolean;
    roles: Map<string, { list: { s: { id: string } }[] }>;
    groups: unknown[];
    groupSet?: Set<string>;
    pending?: { id: string }[];
  }) => ({
    fact: e.fact ?? null,
    holds: e.holds,
    roles: Object.fromEntries(
      [...e.roles]
        .filter(([, rg]) => rg.list.length > 0)
        .map(([r, rg]) => [r, rg.list.map((g) => g.s.id).sort()])
        .sort(),
    ),
    groups: e.groups.length,
    groupSet: [...(e.groupSet ?? [])].sort(),
    pending: ids(e.pending ?? []),
  });
  const g = index.grants;
  const meaningful = <E extends { fact: unknown; roles: Map<string, unknown>; pending?: unknown[]; groupSet?: Set<string> }>(e: E) =>
    e.fact !== undefined || e.roles.size > 0 || (e.pending?.length ?? 0) > 0 || (e.groupSet?.size ?? 0) > 0;
  return {
    resources,
    roots: ids(index.roots),
    roles: sortBy([...index.roles.values()], (r) => r.id),
    users: sortBy([...index.users.values()], (u) => u.id),
    groups: sortBy([...index.groups.values()], (x) => x.id).map((x) => ({ ...x, memberIds: [...x.memberIds].sort() })),
    groupsByUser: Object.fromEntries(
      [...index.groupsByUser]
        .filter(([, s]) => s.size > 0)
        .map(([u, s]) => [u, [...s].sort()])
        .sort(),
    ),
    schedules: sortBy([...index.schedules.values()], (s) => s.id),
    schedulesByUser: mapOfLists(index.schedulesByUser),
    schedulesByGroup: mapOfLists(index.schedulesByGroup),
    pimAdmins: ids(index.pimAdmins),
    requests: sortBy([...index.requests.values()], (r) => r.id),
    requestsByTarget: mapOfLists(index.requestsByTarget),
    requestsByPrincipal: mapOfLists(index.requestsByPrincipal),
    grantUsers: Object.fromEntries(
      [...g.users]
        .filter(([, e]) => meaningful(e))
        .map(([id, e]) => [id, entry(e)])
        .sort(),
    ),
    grantGroups: Object.fromEntries(
      [...g.groups]
        .filter(([, e]) => e.roles.size > 0)
        .map(([id, e]) => [id, entry(e)])
        .sort(),
    ),
    eligibilities: Object.fromEntries(
      [...g.eligibilities].map(([id, e]) => [id, { node: e.node?.id ?? null, user: e.user !== undefined }]).sort(),
    ),
    waiting: {
      children: Object.fromEntries(
        [...index.waiting.children]
          .filter(([, l]) => l.length)
          .map(([k, l]) => [k, ids(l)])
          .sort(),
      ),
      schedules: mapOfLists(index.waiting.schedules),
      settings: Object.fromEntries(
        [...index.waiting.settings]
          .filter(([, l]) => l.length)
          .map(([k, l]) => [k, l.map((x) => x.roleId).sort()])
          .sort(),
      ),
    },
  };
}
