import { describe, expect, it } from 'vitest';
import { ScimError } from './errors';
import { parseFilter } from './filter';
import { applyPatch, parsePatchOp, parsePath } from './patch';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ops = (...o: unknown[]) => parsePatchOp({ schemas: [PATCH], Operations: o });
const none = () => false;
const scimType = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof ScimError ? e.scimType : 'not a ScimError';
  }
  return 'no error';
};

describe('filter', () => {
  it('reads eq terms joined by and, with quoted strings, booleans and fully qualified names', () => {
    expect(parseFilter('userName eq "a\\"b" and active eq true', null)).toEqual([
      { attr: 'username', value: 'a"b' },
      { attr: 'active', value: true },
    ]);
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"', ['username'])).toEqual([
      { attr: 'username', value: 'x' },
    ]);
    for (const bad of [
      'userName co "x"',
      'userName eq "x" or id eq "y"',
      'userName eq',
      '(userName eq "x")',
      'userName eq x',
      'title eq "x"',
    ]) {
      expect(scimType(() => parseFilter(bad, ['username']))).toBe('invalidFilter');
    }
  });
});

describe('patch', () => {
  it('parses value paths, sub-attributes and extension URNs', () => {
    expect(parsePath('emails[type eq "work"].value')).toEqual({
      schema: null,
      attr: 'emails',
      filter: [{ attr: 'type', value: 'work' }],
      sub: 'value',
    });
    expect(parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager')).toMatchObject({
      schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      attr: 'manager',
    });
    expect(parsePath('urn:ietf:params:scim:schemas:core:2.0:User:name.givenName')).toMatchObject({
      schema: null,
      attr: 'name',
      sub: 'givenName',
    });
    expect(scimType(() => parsePath('emails[type eq "work"]value'))).toBe('invalidPath');
  });

  it("adds, replaces and removes as RFC 7644 §3.5.2 says, with the clients' spellings", () => {
    const doc = {
      userName: 'a',
      emails: [
        { type: 'work', value: 'a@x' },
        { type: 'home', value: 'a@home' },
      ],
      name: { givenName: 'A' },
    };
    const out = applyPatch(
      doc,
      ops(
        { op: 'Add', path: 'emails', value: [{ type: 'other', value: 'o@x' }] },
        { op: 'Replace', path: 'emails[type eq "Work"].value', value: 'new@x' },
        { op: 'remove', path: 'emails[type eq "home"]' },
        { op: 'replace', value: { 'name.familyName': 'B', title: 'Boss' } },
        { op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1' },
      ),
      none,
    );
    expect(out).toEqual({
      userName: 'a',
      emails: [
        { type: 'work', value: 'new@x' },
        { type: 'other', value: 'o@x' },
      ],
      name: { givenName: 'A', familyName: 'B' },
      title: 'Boss',
      phoneNumbers: [{ type: 'mobile', value: '+1' }],
    });
    expect(doc.emails).toHaveLength(2); // the input is not changed
    expect(applyPatch(out, ops({ op: 'remove', path: 'name.givenName' }, { op: 'remove', path: 'TITLE' }), none)).toMatchObject({
      name: { familyName: 'B' },
    });
  });

  it('refuses malformed messages with the scimType the RFC gives', () => {
    expect(scimType(() => parsePatchOp({ Operations: 'x' }))).toBe('invalidSyntax');
    expect(scimType(() => parsePatchOp({ schemas: ['urn:other'], Operations: [{ op: 'add', path: 'a', value: 1 }] }))).toBe(
      'invalidSyntax',
    );
    expect(scimType(() => ops({ op: 'add', path: 'a' }))).toBe('invalidValue');
    expect(scimType(() => ops({ op: 'replace', value: 'not an object' }))).toBe('invalidValue');
    expect(scimType(() => ops({ op: 'remove' }))).toBe('noTarget');
    expect(scimType(() => applyPatch({ id: '1' }, ops({ op: 'replace', path: 'id', value: '2' }), (a) => a === 'id'))).toBe('mutability');
  });
});
