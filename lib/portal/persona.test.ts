import { describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/support/db';
import { policyIndex } from '@/lib/tenant/engine';
import { personaOf } from './persona';

describe('what the navigation offers each demo persona', () => {
  it('Steve administers and approves (tenant PIM administrator); Avery approves; Jen and Sam neither', () => {
    const t = freshDb();
    const index = policyIndex(t.db);
    expect(personaOf(index, t.ids.steve, t.now + 1)).toMatchObject({ administers: true, approves: true });
    expect(personaOf(index, t.ids.avery, t.now + 1)).toMatchObject({ administers: false, approves: true, pendingApprovals: 0 });
    expect(personaOf(index, t.ids.jen, t.now + 1)).toMatchObject({ administers: false, approves: false });
    expect(personaOf(index, t.ids.sam, t.now + 1)).toMatchObject({ administers: false, approves: false });
    t.close();
  });
});
