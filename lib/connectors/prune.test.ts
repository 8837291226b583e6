import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { recordEvent } from './events';
import { KEEP_MS, pruneConnectorHistory } from './prune';

let env: ReturnType<typeof freshDb>;
afterEach(() => env?.close());

describe('connector history', () => {
  it('keeps 30 days of journal events and forgets older ones', () => {
    env = freshDb();
    const { db, now } = env;
    const subject = {
      principal: null,
      role: null,
      scope: null,
      window: null,
      request: null,
      actor: { id: null, name: 'Elevate' },
      justification: null,
      reasons: [],
      details: {},
    };
    recordEvent(db, { id: 'old', type: 'request.created', at: now - KEEP_MS - 1, subject });
    recordEvent(db, { id: 'new', type: 'request.created', at: now - KEEP_MS + 1, subject });
    expect(pruneConnectorHistory(db, now).events).toBeGreaterThanOrEqual(1);
    const ids = db.all<{ id: string }>(sql`SELECT id FROM connector_events`).map((r) => r.id);
    expect(ids).toContain('new');
    expect(ids).not.toContain('old');
  });
});
