import { decodeCursor, searchText, type Seek } from '@/lib/users/paging';

/**
 * The page's URL: each list keeps its own search and cursor, so paging one list leaves
 * the others where they were. Anything a person could mistype or tamper with becomes a
 * sentence on the page and a first page, never an error.
 */
export const PARAMS = ['q', 'after', 'before', 'gq', 'gafter', 'gbefore', 'group', 'mq', 'mafter', 'mbefore'] as const;
export type Param = (typeof PARAMS)[number];
export type Params = Partial<Record<Param, string>>;

export interface ListView {
  q: string;
  seek: Seek;
}

const LISTS = {
  users: { q: 'q', after: 'after', before: 'before', key: 'text', noun: 'users' },
  groups: { q: 'gq', after: 'gafter', before: 'gbefore', key: 'text', noun: 'groups' },
  members: { q: 'mq', after: 'mafter', before: 'mbefore', key: 'number', noun: 'members' },
} as const;
export type ListName = keyof typeof LISTS;
export const listParams = (list: ListName) => LISTS[list];

/** A list's search and cursor from the URL, with what was wrong with them (if anything). */
export function readList(sp: Params, list: ListName): { view: ListView; problems: string[] } {
  const p = LISTS[list];
  const problems: string[] = [];
  const { q, cut } = searchText(sp[p.q]);
  if (cut) problems.push(`Searched ${p.noun} for the first 100 characters of what you typed.`);
  const seek: Seek = {};
  const token = sp[p.after] ?? sp[p.before];
  if (token !== undefined) {
    const key = decodeCursor(token, p.key);
    if (!key) problems.push(`That page link of ${p.noun} is out of date or damaged; showing the first page.`);
    else if (sp[p.after] !== undefined) seek.after = key;
    else seek.before = key;
  }
  return { view: { q, seek }, problems };
}

/** The chosen group's id, when it looks like one. */
export function readGroup(sp: Params): { groupId?: string; problem?: string } {
  const g = sp.group?.trim();
  if (!g) return {};
  if (g.length > 200) return { problem: 'That group link is damaged.' };
  return { groupId: g };
}

/** This page's URL with some parameters changed (undefined removes one). */
export function hrefWith(sp: Params, changes: Params, hash = ''): string {
  const out = new URLSearchParams();
  for (const k of PARAMS) {
    const v = k in changes ? changes[k] : sp[k];
    if (v !== undefined && v !== '') out.set(k, v);
  }
  const s = out.toString();
  return `/admin/users${s ? `?${s}` : ''}${hash}`;
}

/** Hidden inputs that carry the other lists' state through a search form of `list`. */
export function otherListState(sp: Params, list: ListName): [Param, string][] {
  const own = new Set<string>(Object.values(LISTS[list]));
  return PARAMS.filter((k) => !own.has(k) && sp[k]).map((k) => [k, sp[k]!]);
}
