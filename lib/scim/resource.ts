import { badRequest, ScimError } from './errors';
import type { Doc } from './patch';
import { DEFAULT_COUNT, MAX_COUNT } from './constants';

/** Shared pieces of SCIM resources: meta, ETags, paging and attribute projection. Pure. */

export const etagOf = (version: number) => `W/"${version}"`;

export function meta(
  resourceType: 'User' | 'Group',
  baseUrl: string,
  id: string,
  createdAt: number,
  updatedAt: number | null,
  version: number,
) {
  return {
    resourceType,
    created: new Date(createdAt).toISOString(),
    lastModified: new Date(updatedAt ?? createdAt).toISOString(),
    version: etagOf(version),
    location: `${baseUrl}/${resourceType}s/${encodeURIComponent(id)}`,
  };
}

/**
 * If-Match (RFC 7644 §3.14): a PUT, PATCH or DELETE that names versions refuses to act on
 * another one with 412. Weak and strong forms of our tag are the same version.
 */
export function checkIfMatch(ifMatch: string | null, version: number): void {
  if (ifMatch === null || ifMatch.trim() === '*') return;
  const wanted = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!wanted.includes(`"${version}"`)) {
    throw new ScimError(
      412,
      `The resource has changed: it is at version ${etagOf(version)}, not ${ifMatch.slice(0, 60)}. Read it again and retry.`,
    );
  }
}

export interface Paging {
  /** 1-based, as SCIM counts */
  startIndex: number;
  count: number;
}

/** startIndex below 1 is read as 1 and a negative count as 0 (RFC 7644 §3.4.2.4); count is capped. */
export function readPaging(params: URLSearchParams): Paging {
  const num = (name: string) => {
    const raw = params.get(name);
    if (raw === null || raw.trim() === '') return undefined;
    if (!/^-?\d+$/.test(raw.trim())) throw badRequest('invalidValue', `"${name}" must be an integer.`);
    return Number(raw);
  };
  const start = num('startIndex') ?? 1;
  const count = num('count') ?? DEFAULT_COUNT;
  return { startIndex: Math.max(1, start), count: Math.min(MAX_COUNT, Math.max(0, count)) };
}

const ALWAYS = new Set(['id', 'schemas', 'meta']);

/** `attributes` / `excludedAttributes` on top-level attribute names (sub-attributes keep their parent). */
export function project(resource: Doc, params: URLSearchParams): Doc {
  const list = (name: string) =>
    params
      .get(name)
      ?.split(',')
      .map((a) =>
        a
          .trim()
          .replace(/^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i, '')
          .split('.')[0]
          .toLowerCase(),
      )
      .filter(Boolean);
  const only = list('attributes');
  const without = list('excludedAttributes');
  if (!only?.length && !without?.length) return resource;
  return Object.fromEntries(
    Object.entries(resource).filter(([k]) => {
      const key = k.toLowerCase();
      if (ALWAYS.has(key)) return true;
      if (only?.length) return only.includes(key);
      return !without!.includes(key);
    }),
  );
}

/** Whether the caller asked to leave this attribute out (so it need not even be loaded: a big group's members). */
export function excluded(params: URLSearchParams, attr: string): boolean {
  const a = attr.toLowerCase();
  const names = (name: string) =>
    params
      .get(name)
      ?.split(',')
      .map((x) => x.trim().split('.')[0].toLowerCase());
  const only = names('attributes');
  if (only?.length) return !only.includes(a);
  return names('excludedAttributes')?.includes(a) ?? false;
}
