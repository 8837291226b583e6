import { badRequest } from './errors';

/**
 * The `filter` query parameter (RFC 7644 §3.4.2.2), as far as provisioning clients use it:
 * `attr eq "value"` terms joined by `and`. Entra ID and Okta look people up by userName or
 * externalId and groups by displayName; anything else is refused with `invalidFilter`
 * rather than answered wrongly. Pure.
 */
export interface FilterTerm {
  /** the attribute as the caller spelled it, lower-cased (attribute names are case-insensitive) */
  attr: string;
  value: string | boolean | number | null;
}

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|([A-Za-z][\w:.$-]*)|(\S))/y;

function tokens(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) {
      if (text.slice(start).trim() === '') break;
      throw badRequest('invalidFilter', `The filter "${text.slice(0, 200)}" cannot be read.`);
    }
    if (m[3] !== undefined)
      throw badRequest(
        'invalidFilter',
        `The filter "${text.slice(0, 200)}" has an unexpected "${m[3]}": ` +
          'only "attribute eq \\"value\\"" terms joined by "and" are supported.',
      );
    out.push(m[1] ?? m[2]);
  }
  return out;
}

function literal(tok: string, filter: string): FilterTerm['value'] {
  if (tok.startsWith('"')) {
    try {
      return JSON.parse(tok) as string;
    } catch {
      throw badRequest('invalidFilter', `The filter "${filter.slice(0, 200)}" has a malformed string.`);
    }
  }
  const lower = tok.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  if (lower === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(tok)) return Number(tok);
  throw badRequest(
    'invalidFilter',
    `The filter "${filter.slice(0, 200)}" compares with ${tok.slice(0, 50)}: put a string value in double quotes.`,
  );
}

/**
 * Parses a filter into `eq` terms that must all hold; `allowed` are the attributes this resource
 * can be filtered on (null: any, for value paths).
 */
export function parseFilter(filter: string, allowed: readonly string[] | null): FilterTerm[] {
  if (filter.length > 1000) throw badRequest('invalidFilter', 'The filter is longer than 1000 characters.');
  const t = tokens(filter);
  const terms: FilterTerm[] = [];
  let i = 0;
  for (;;) {
    const [attr, op, value] = [t[i], t[i + 1], t[i + 2]];
    if (attr === undefined || op === undefined || value === undefined || attr.startsWith('"')) {
      throw badRequest('invalidFilter', `The filter "${filter.slice(0, 200)}" is incomplete: write attribute eq "value".`);
    }
    if (op.toLowerCase() !== 'eq') {
      throw badRequest('invalidFilter', `The operator "${op.slice(0, 20)}" is not supported here: Elevate filters with "eq" only.`);
    }
    // a fully qualified name (urn:…:User:userName) means the same attribute
    const name = attr.replace(/^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i, '').toLowerCase();
    if (allowed && !allowed.includes(name)) {
      throw badRequest('invalidFilter', `Filtering on "${attr.slice(0, 100)}" is not supported; use one of ${allowed.join(', ')}.`);
    }
    terms.push({ attr: name, value: literal(value, filter) });
    i += 3;
    if (i === t.length) return terms;
    if (t[i].toLowerCase() !== 'and') {
      throw badRequest(
        'invalidFilter',
        `The filter "${filter.slice(0, 200)}" joins terms with "${t[i].slice(0, 20)}": only "and" is supported.`,
      );
    }
    i += 1;
  }
}
