import { describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { auditEvents } from '@/db/schema';
import { verifyChain } from './chain';
import { writeAudit } from './write';

describe('audit hash chain', () => {
  it('verifies a freshly written chain', () => {
    const t = freshDb();
    writeAudit(t.db, { at: t.now, actor: { id: t.ids.steve, name: 'Steve Admin' }, action: 'Test event' });
    const rows = t.db.select().from(auditEvents).orderBy(asc(auditEvents.seq)).all();
    expect(verifyChain(rows)).toEqual({ checked: rows.length, firstBreak: null });
    t.close();
  });

  it('refuses updates and deletes at the database', () => {
    const t = freshDb();
    expect(() => t.sqlite.exec("UPDATE audit_events SET action = 'x'")).toThrow(/append-only/);
    expect(() => t.sqlite.exec('DELETE FROM audit_events')).toThrow(/append-only/);
    t.close();
  });

  it('reports the first altered row', () => {
    const t = freshDb();
    t.sqlite.exec('DROP TRIGGER audit_events_no_update');
    t.sqlite.exec("UPDATE audit_events SET justification = 'edited' WHERE seq = 3");
    const rows = t.db.select().from(auditEvents).orderBy(asc(auditEvents.seq)).all();
    expect(verifyChain(rows).firstBreak).toMatchObject({ seq: 3, problem: 'hash-mismatch' });
    t.close();
  });
});
