import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { auditEvents } from '@/db/schema';
import { writeAudit } from './write';
import { verifyAuditChain, describeBreak } from './verify';
import { iterateAudit, activityPerDay } from './query';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';

const SUB = DEMO_SUBSCRIPTION.toLowerCase();
import { auditCsvRow, csvCell } from './csv';

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());

describe('audit chain', () => {
  it('verifies the seeded chain, then finds the first altered row', () => {
    const ok = verifyAuditChain(t.db);
    expect(ok.firstBreak).toBeNull();
    expect(ok.checked).toBeGreaterThan(5);
    t.sqlite.exec('DROP TRIGGER audit_events_no_update');
    t.sqlite.prepare("UPDATE audit_events SET justification = 'nothing to see' WHERE seq = 3").run();
    const broken = verifyAuditChain(t.db);
    expect(broken.firstBreak).toMatchObject({ seq: 3, problem: 'hash-mismatch' });
    expect(describeBreak(broken.firstBreak!)).toMatch(/#3 .* altered/);
  });

  it('refuses updates while the trigger is in place', () => {
    expect(() => t.sqlite.prepare("UPDATE audit_events SET action = 'x' WHERE seq = 1").run()).toThrow();
  });
});

describe('activity chart', () => {
  it('counts activations and approvals per day in SQL, for the whole tenant or under given scopes', () => {
    for (let i = 0; i < 60; i++)
      writeAudit(t.db, {
        at: t.now + i * 1000,
        actor: { id: t.ids.avery, name: 'Avery' },
        action: i % 2 ? 'Request approved' : 'Role activated',
        principal: { type: 'User', id: t.ids.jen, name: 'Jen' },
        scopeId: i < 10 ? SUB : '/x',
      });
    expect(activityPerDay(t.db, t.now, 7).at(-1)).toMatchObject({ activations: 30, approvals: 30 });
    expect(activityPerDay(t.db, t.now, 7, { under: [SUB] }).at(-1)).toMatchObject({ activations: 5, approvals: 5 });
    expect(activityPerDay(t.db, t.now, 7, { under: [] }).at(-1)).toMatchObject({ activations: 0, approvals: 0 });
    expect([...iterateAudit(t.db, { actorId: t.ids.avery }, 7)]).toHaveLength(60);
  });
});

describe('CSV export', () => {
  it('quotes commas, quotes and newlines, and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(' =1+1')).toBe("' =1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    writeAudit(t.db, { at: t.now, actor: { id: t.ids.steve, name: 'Steve, "the" admin' }, action: 'Test', justification: '-1+1' });
    const row = t.db.select().from(auditEvents).where(eq(auditEvents.action, 'Test')).get()!;
    const line = auditCsvRow(row, (id) => id);
    expect(line).toContain('"Steve, ""the"" admin"');
    expect(line).toContain("'-1+1");
  });
});
