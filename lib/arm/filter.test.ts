import { describe, expect, it } from 'vitest';
import { parseFilter } from './filter';
import { ArmError } from './errors';

const FIELDS = ['principalId', 'roleDefinitionId'];

describe('$filter', () => {
  it('reads functions and comparisons joined with and, in any case', () => {
    const f = parseFilter("asTarget() AND principalId eq 'a-b' and ATSCOPE()", FIELDS);
    expect(f).toMatchObject({ asTarget: true, atScope: true, asRequestor: false, asApprover: false });
    expect(f.eq.get('principalid')).toBe('a-b');
  });

  it('keeps " and " inside a quoted value and unescapes doubled quotes', () => {
    const f = parseFilter("principalId eq 'Tom and Jerry''s'", FIELDS);
    expect(f.eq.get('principalid')).toBe("Tom and Jerry's");
  });

  it("reads assignedTo('{userId}') beside other terms", () => {
    const f = parseFilter("assignedTo('a-b') and atScope()", FIELDS);
    expect(f).toMatchObject({ assignedTo: 'a-b', atScope: true, asTarget: false });
    expect(parseFilter('asTarget()', FIELDS).assignedTo).toBeUndefined();
  });

  it('treats an empty filter as none', () => {
    expect(parseFilter(null, FIELDS).asTarget).toBe(false);
    expect(parseFilter('  ', FIELDS).eq.size).toBe(0);
  });

  it('refuses unknown terms and fields with a 400 that says what works', () => {
    const bad = (q: string) => {
      try {
        parseFilter(q, FIELDS);
      } catch (e) {
        return e as ArmError;
      }
      throw new Error('expected a refusal');
    };
    expect(bad('asEveryone()')).toMatchObject({ status: 400, code: 'InvalidFilter' });
    expect(bad("roleName eq 'Owner'").message).toMatch(/principalId, roleDefinitionId/);
    expect(bad("principalId eq 'open").message).toMatch(/unterminated/);
  });
});
