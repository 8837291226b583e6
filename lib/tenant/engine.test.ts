import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { users } from '@/db/schema';
import { bumpRevision, policyIndex } from './engine';

let t: ReturnType<typeof freshDb>;
afterEach(() => t?.close());

describe('cached policy index', () => {
  it('never serves what a rolled-back transaction saw, even once the revision number comes round again', () => {
    t = freshDb();
    const jenName = policyIndex(t.db).users.get(t.ids.jen)!.displayName;
    expect(() => t.db.transaction((tx) => {
      tx.update(users).set({ displayName: 'Rolled back' }).where(eq(users.id, t.ids.jen)).run();
      bumpRevision(tx);
      expect(policyIndex(tx).users.get(t.ids.jen)!.displayName).toBe('Rolled back');
      throw new Error('refused');
    })).toThrow('refused');
    // another change commits and reaches the same revision number the rolled-back one had
    t.db.transaction((tx) => {
      tx.update(users).set({ displayName: 'Sam (committed)' }).where(eq(users.id, t.ids.sam)).run();
      bumpRevision(tx);
    });
    const index = policyIndex(t.db);
    expect(index.users.get(t.ids.jen)!.displayName).toBe(jenName);
    expect(index.users.get(t.ids.sam)!.displayName).toBe('Sam (committed)');
  });
});
