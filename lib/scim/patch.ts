import { ENTERPRISE_URN, GROUP_URN, MAX_OPERATIONS, PATCH_URN, USER_URN } from './constants';
import { badRequest } from './errors';
import { parseFilter, type FilterTerm } from './filter';

/**
 * SCIM PATCH (RFC 7644 §3.5.2) over a resource held as plain JSON. Pure. Tolerates what
 * real provisioning clients send: Entra ID's capitalised ops ("Replace"), booleans as
 * strings ("False"), value paths that create the element they name
 * (`emails[type eq "work"].value`), attribute names in any case, and no-path ops whose
 * value keys are themselves paths (`{"name.givenName": "…"}`).
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Doc = { [k: string]: Json };

export interface ScimPath {
  /** an extension schema URN the attribute lives under, or null for the core schema */
  schema: string | null;
  attr: string;
  filter: FilterTerm[] | null;
  sub: string | null;
}

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: ScimPath | null;
  value: Json | undefined;
  /** the path as sent, for messages */
  rawPath: string | null;
}

const CORE = [USER_URN.toLowerCase(), GROUP_URN.toLowerCase()];
const ATTR = /^[A-Za-z][\w$-]*$/;

/** `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub`, each optionally behind a schema URN. */
export function parsePath(raw: string): ScimPath {
  const bad = () => badRequest('invalidPath', `The path "${raw.slice(0, 200)}" is not a SCIM attribute path.`);
  let rest = raw.trim();
  let schema: string | null = null;
  if (/^urn:/i.test(rest)) {
    const head = rest.split('[')[0];
    const cut = head.lastIndexOf(':');
    if (cut < 0) throw bad();
    const urn = rest.slice(0, cut);
    rest = rest.slice(cut + 1);
    if (!CORE.includes(urn.toLowerCase())) schema = urn.toLowerCase() === ENTERPRISE_URN.toLowerCase() ? ENTERPRISE_URN : urn;
  }
  let filter: FilterTerm[] | null = null;
  let attr: string;
  let sub: string | null = null;
  const open = rest.indexOf('[');
  if (open >= 0) {
    const close = rest.lastIndexOf(']');
    if (close < open) throw bad();
    attr = rest.slice(0, open);
    filter = parseFilter(rest.slice(open + 1, close), null);
    const after = rest.slice(close + 1);
    if (after) {
      if (!after.startsWith('.')) throw bad();
      sub = after.slice(1);
    }
  } else {
    const dot = rest.indexOf('.');
    attr = dot < 0 ? rest : rest.slice(0, dot);
    sub = dot < 0 ? null : rest.slice(dot + 1);
  }
  if (!ATTR.test(attr) || (sub !== null && !ATTR.test(sub))) throw bad();
  return { schema, attr, filter, sub };
}

/** Parses and checks a PatchOp message (schemas, Operations, each op); throws invalidSyntax/invalidPath/invalidValue. */
export function parsePatchOp(body: unknown): PatchOperation[] {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('invalidSyntax', 'A PATCH body is a PatchOp message: a JSON object.');
  const b = body as Record<string, unknown>;
  const schemas = b.schemas;
  if (Array.isArray(schemas) && !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_URN.toLowerCase())) {
    throw badRequest('invalidSyntax', `A PATCH body must name the schema ${PATCH_URN}.`);
  }
  const ops = b.Operations ?? b.operations;
  if (!Array.isArray(ops) || ops.length === 0)
    throw badRequest('invalidSyntax', 'A PatchOp message needs "Operations": a non-empty array.');
  if (ops.length > MAX_OPERATIONS)
    throw badRequest('tooMany', `One PATCH may carry at most ${MAX_OPERATIONS} operations; split the change.`);
  return ops.map((o): PatchOperation => {
    if (!o || typeof o !== 'object') throw badRequest('invalidSyntax', 'Each operation is an object with "op", "path" and "value".');
    const rec = o as Record<string, unknown>;
    const op = typeof rec.op === 'string' ? rec.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw badRequest('invalidSyntax', `The operation "${String(rec.op).slice(0, 30)}" is not one of add, replace, remove.`);
    }
    const rawPath = typeof rec.path === 'string' && rec.path.trim() !== '' ? rec.path : null;
    if (rec.path !== undefined && rec.path !== null && typeof rec.path !== 'string')
      throw badRequest('invalidPath', 'An operation\'s "path" is a string.');
    const value = rec.value as Json | undefined;
    if (op === 'remove' && rawPath === null) throw badRequest('noTarget', 'A remove operation needs a "path" naming what to remove.');
    if (op !== 'remove' && value === undefined) throw badRequest('invalidValue', `An ${op} operation needs a "value".`);
    if (op !== 'remove' && rawPath === null && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw badRequest('invalidValue', `An ${op} operation without a path takes an object of attributes as its value.`);
    }
    return { op, path: rawPath === null ? null : parsePath(rawPath), value, rawPath };
  });
}

/** The key of `obj` that names `attr` (attribute names are case-insensitive), or undefined. */
export function keyOf(obj: Doc, attr: string): string | undefined {
  const lower = attr.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

const isObject = (v: Json | undefined): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v);

/** SCIM compares strings case-insensitively for the attributes clients filter value paths on (type, value, display). */
function equalsLoose(a: Json | undefined, b: FilterTerm['value']): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof b === 'boolean') return asBoolean(a) === b;
  return a === b;
}

export function matches(el: Json, filter: FilterTerm[]): boolean {
  if (!isObject(el)) return false;
  return filter.every((t) => {
    const k = keyOf(el, t.attr);
    return equalsLoose(k === undefined ? undefined : el[k], t.value);
  });
}

/** "True", "false", true: Entra ID sends booleans as strings in PATCH values (its documented quirk). */
export function asBoolean(v: Json | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  return undefined;
}

function container(doc: Doc, schema: string | null, create: boolean): Doc | undefined {
  if (schema === null) return doc;
  const k = keyOf(doc, schema);
  if (k !== undefined && isObject(doc[k])) return doc[k] as Doc;
  if (!create) return undefined;
  const fresh: Doc = {};
  doc[schema] = fresh;
  return fresh;
}

function setAttr(obj: Doc, attr: string, value: Json) {
  const k = keyOf(obj, attr) ?? attr;
  obj[k] = value;
}

const sameElement = (a: Json, b: Json) =>
  JSON.stringify(a) === JSON.stringify(b) ||
  (isObject(a) && isObject(b) && keyOf(a, 'value') !== undefined && a[keyOf(a, 'value')!] === b[keyOf(b, 'value') ?? 'value']);

function addOrReplace(doc: Doc, path: ScimPath, value: Json, op: 'add' | 'replace', rawPath: string) {
  const obj = container(doc, path.schema, true)!;
  const k = keyOf(obj, path.attr);
  const current = k === undefined ? undefined : obj[k];
  if (path.filter) {
    const list = Array.isArray(current) ? current : [];
    let hits = list.filter((el) => matches(el, path.filter!));
    if (hits.length === 0) {
      // Entra ID's `emails[type eq "work"].value` on a person with no work e-mail yet: the element is made
      const made: Doc = Object.fromEntries(path.filter.map((t) => [t.attr, t.value as Json]));
      list.push(made);
      hits = [made];
      setAttr(obj, path.attr, list);
    }
    for (const el of hits) {
      if (!isObject(el)) continue;
      if (path.sub) setAttr(el, path.sub, value);
      else if (isObject(value)) Object.assign(el, value);
      else throw badRequest('invalidValue', `The value for "${rawPath.slice(0, 200)}" must be an object.`);
    }
    return;
  }
  if (path.sub) {
    const target = isObject(current) ? current : {};
    setAttr(target, path.sub, value);
    setAttr(obj, path.attr, target);
    return;
  }
  if (op === 'add' && Array.isArray(current)) {
    const incoming = Array.isArray(value) ? value : [value];
    for (const v of incoming) if (!current.some((c) => sameElement(c, v))) current.push(v);
    return;
  }
  if (op === 'add' && isObject(current) && isObject(value)) {
    Object.assign(current, value);
    return;
  }
  setAttr(obj, path.attr, value);
}

function remove(doc: Doc, path: ScimPath, value: Json | undefined) {
  const obj = container(doc, path.schema, false);
  if (!obj) return;
  const k = keyOf(obj, path.attr);
  if (k === undefined) return;
  const current = obj[k];
  if (path.filter) {
    if (!Array.isArray(current)) return;
    if (path.sub) {
      for (const el of current)
        if (isObject(el) && matches(el, path.filter)) {
          const sk = keyOf(el, path.sub);
          if (sk !== undefined) delete el[sk];
        }
      return;
    }
    obj[k] = current.filter((el) => !matches(el, path.filter!));
    return;
  }
  if (path.sub) {
    if (isObject(current)) {
      const sk = keyOf(current, path.sub);
      if (sk !== undefined) delete current[sk];
    }
    return;
  }
  // Entra ID removes members as {"op":"Remove","path":"members","value":[{"value":"…"}]}: only those elements go
  if (Array.isArray(current) && Array.isArray(value)) {
    obj[k] = current.filter((el) => !value.some((v) => sameElement(el, v)));
    return;
  }
  delete obj[k];
}

/** Applies the operations in order to a copy of `doc`; `readOnly` attributes (lower-case) are refused with `mutability`. */
export function applyPatch(doc: Doc, ops: PatchOperation[], readOnly: (attr: string, value: Json | undefined) => boolean): Doc {
  const out = structuredClone(doc);
  const guard = (attr: string, value: Json | undefined) => {
    if (readOnly(attr.toLowerCase(), value)) throw badRequest('mutability', `"${attr.slice(0, 100)}" is read-only and cannot be changed.`);
  };
  for (const o of ops) {
    if (o.path === null) {
      for (const [key, v] of Object.entries(o.value as Doc)) {
        // a key that is itself a path ("name.givenName", an extension URN's attribute) or a whole extension object
        if (/^urn:/i.test(key) && isObject(v) && !CORE.includes(key.toLowerCase())) {
          for (const [sk, sv] of Object.entries(v))
            addOrReplace(out, { schema: key, attr: sk, filter: null, sub: null }, sv, o.op as 'add', `${key}:${sk}`);
          continue;
        }
        const p = parsePath(key);
        if (p.schema === null) guard(p.attr, v);
        addOrReplace(out, p, v, o.op as 'add' | 'replace', key);
      }
      continue;
    }
    if (o.path.schema === null) guard(o.path.attr, o.value);
    if (o.op === 'remove') remove(out, o.path, o.value);
    else addOrReplace(out, o.path, o.value as Json, o.op, o.rawPath ?? '');
  }
  return out;
}
