import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { DEMO_SUBSCRIPTION, DEMO_USERS } from '@/db/seed/demo';
import { users } from '@/db/schema';
import { ROLE_IDS } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { deliveryIdle } from '@/lib/notify/deliver';
import { submitAdminRequest } from '@/lib/assignments';
import { addGroup, addUsers } from '@/lib/users/test-support';
import { writeAudit } from './write';
import { resolveAuditSearch, type AuditSearchResult } from './search';
import { peopleReach, type AuditViewer } from './people';

const DAY = 86_400_000;
const sub = DEMO_SUBSCRIPTION.toLowerCase();
const financeDev = `${sub}/resourcegroups/finance-dev`;
const financeProd = `${sub}/resourcegroups/finance-prod`;

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(async () => {
  await deliveryIdle();
  t.close();
});

const user = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;
const viewer = (userId: string, view: AuditViewer['view']): AuditViewer => ({ userId, view, index: policyIndex(t.db), now: t.now });
/** "My audit", as `who` sees it */
const mine = (who: string) => viewer(who, { involving: who });
const search = (v: AuditViewer, raw: Record<string, string>) => resolveAuditSearch(t.db, raw, v);

/** Every address the result could show: the boxes and the choices. */
const shown = (r: AuditSearchResult) =>
  [r.typed.actor, r.typed.principal, ...(r.choices.actor ?? []), ...(r.choices.principal ?? [])].flatMap((x) =>
    typeof x === 'string' ? [x] : x ? [x.text, x.name] : [],
  );
const emailsIn = (r: AuditSearchResult) => shown(r).filter((s) => s.includes('@'));

describe('the audit people boxes in my audit (no admin rights)', () => {
  let strangers: string[];
  beforeEach(() => {
    // people Jen has no event in common with, whose names start like ones she knows
    strangers = addUsers(t, ['Steve Stranger', 'Stevens Other', 'Avery Unknown', 'Avery Elsewhere']);
    addGroup(t, 'Steve fans');
    // Steve's seed assignment of Jen is her one event with anyone else
  });

  it('Jen finds only people she has an event in common with, and never sees anyone else’s e-mail', () => {
    expect(peopleReach(mine(t.ids.jen))).toEqual({ kind: 'met', viewerId: t.ids.jen });

    // "steve": Steve Admin assigned her, the other Steves never met her
    const steve = search(mine(t.ids.jen), { actor: 'steve', principal: 'steve' });
    expect(steve.filters.actorId).toBe(t.ids.steve);
    expect(steve.filters.principalId).toBe(t.ids.steve);
    expect(steve.choices).toEqual({});
    expect(steve.typed).toEqual({ actor: 'Steve Admin', principal: 'Steve Admin' });
    expect(emailsIn(steve)).toEqual([]);

    // "avery": she has nothing in common with any Avery, the approver of her settings included
    for (const typed of ['avery', 'Avery', 'av', 'avery@bluewidget.test', t.ids.avery, strangers[2]]) {
      const r = search(mine(t.ids.jen), { actor: typed, principal: typed });
      expect(r.filters.actorId, typed).toBeUndefined();
      expect(r.filters.principalId, typed).toBeUndefined();
      expect(r.choices, typed).toEqual({});
      expect(r.sp.actor, typed).toBeUndefined();
      expect(r.problems.join(' ')).toMatch(/No user in your audit matches the actor/);
      expect(r.problems.join(' ')).toMatch(/No user or group in your audit matches the principal/);
      expect(
        emailsIn(r).filter((e) => e !== typed),
        typed,
      ).toEqual([]);
    }

    // a link with a stranger's id, e-mail or group shows nothing of them
    const ids = search(mine(t.ids.jen), { actor: strangers[0], principal: 'Steve fans' });
    expect(ids.filters.actorId).toBeUndefined();
    expect(ids.filters.principalId).toBeUndefined();
    // the boxes keep what she typed, nothing more
    expect(ids.typed).toEqual({ actor: strangers[0], principal: 'Steve fans' });
    expect(ids.choices).toEqual({});
    expect(ids.problems.join(' ')).not.toMatch(/Stranger|example\.test/);
    // the start of an e-mail spells out nothing, even of someone she met
    expect(search(mine(t.ids.jen), { actor: 'steve@' }).filters.actorId).toBeUndefined();
    // but an exact e-mail or an id of someone she met is found, and shown by name
    const exact = search(mine(t.ids.jen), { actor: DEMO_USERS.steve.email, principal: t.ids.steve });
    expect(exact.filters).toMatchObject({ actorId: t.ids.steve, principalId: t.ids.steve });
    expect(exact.typed).toEqual({ actor: 'Steve Admin', principal: 'Steve Admin' });

    // herself: her own e-mail is hers to see
    const self = search(mine(t.ids.jen), { principal: 'je' });
    expect(self.filters.principalId).toBe(t.ids.jen);
    expect(self.typed.principal).toBe(DEMO_USERS.jen.email);
  });

  it('Jen finds Avery once Avery has acted on her, by name only; several matches list names only', () => {
    writeAudit(t.db, {
      at: t.now + 1000,
      actor: { id: t.ids.avery, name: 'Avery' },
      action: 'Request approved',
      principal: { type: 'User', id: t.ids.jen, name: 'Jen' },
    });
    // someone else called Avery whom Jen assigned something
    writeAudit(t.db, {
      at: t.now + 2000,
      actor: { id: t.ids.jen, name: 'Jen' },
      action: 'Eligible assignment added',
      principal: { type: 'User', id: strangers[3], name: 'Avery Elsewhere' },
    });
    const one = search(mine(t.ids.jen), { actor: 'avery' });
    expect(one.filters.actorId).toBe(t.ids.avery);
    expect(one.typed.actor).toBe('Avery');
    const many = search(mine(t.ids.jen), { principal: 'av' });
    expect(many.filters.principalId).toBeUndefined();
    expect(many.choices.principal?.map((c) => c.name)).toEqual(['Avery', 'Avery Elsewhere']);
    expect(many.choices.principal?.map((c) => c.id)).not.toContain(strangers[2]);
    expect(emailsIn(many)).toEqual([]);

    // a name she shares with someone else Jen met: the box keeps the id, so submitting it finds the same one
    const twin = addUsers(t, ['Avery'])[0];
    writeAudit(t.db, {
      at: t.now + 3000,
      actor: { id: t.ids.jen, name: 'Jen' },
      action: 'Eligible assignment added',
      principal: { type: 'User', id: twin, name: 'Avery' },
    });
    const byId = search(mine(t.ids.jen), { principal: twin });
    expect(byId.filters.principalId).toBe(twin);
    expect(byId.typed.principal).toBe(twin);
    const again = search(mine(t.ids.jen), { principal: byId.typed.principal! });
    expect(again.filters.principalId).toBe(twin);
    const both = search(mine(t.ids.jen), { principal: 'Avery' });
    expect(both.choices.principal?.map((c) => c.id).sort()).toEqual([t.ids.avery, twin].sort());
    expect(emailsIn(both)).toEqual([]);
  });

  it('a resource administrator who is not a tenant PIM administrator is restricted in their own audit, not at their scope', () => {
    submitAdminRequest(
      t.db,
      user(t.ids.steve),
      {
        requestType: 'AdminAssign',
        kind: 'active',
        principal: { type: 'User', id: t.ids.sam },
        roleId: ROLE_IDS.userAccessAdministrator,
        scopeId: financeDev,
        startAt: t.now,
        endAt: t.now + 30 * DAY,
        justification: 'Runs finance-dev access',
      },
      t.now,
    );
    expect(peopleReach(viewer(t.ids.sam, { scopeId: financeDev.toUpperCase() }))).toEqual({ kind: 'directory' });
    expect(peopleReach(viewer(t.ids.sam, { scopeId: financeProd })).kind).toBe('met');
    expect(peopleReach(viewer(t.ids.sam, {})).kind).toBe('met');
    expect(search(mine(t.ids.sam), { actor: 'avery' }).filters.actorId).toBeUndefined();
    const atScope = search(viewer(t.ids.sam, { scopeId: financeDev }), { actor: 'av' });
    expect(atScope.filters.actorId).toBeUndefined();
    expect(atScope.choices.actor?.map((c) => c.text)).toEqual(expect.arrayContaining(['avery@bluewidget.test']));
    // Jen, with no management access there, is not given the directory even if a page forgot to refuse her
    expect(peopleReach(viewer(t.ids.jen, { scopeId: financeDev })).kind).toBe('met');
    expect(peopleReach(viewer(t.ids.jen, {})).kind).toBe('met');
  });
});

describe('the audit people boxes for administrators', () => {
  it('a tenant PIM administrator still resolves anyone, in every view, with e-mails', () => {
    const [stranger] = addUsers(t, ['Avery Unknown']);
    for (const v of [viewer(t.ids.steve, {}), mine(t.ids.steve), viewer(t.ids.steve, { scopeId: sub })]) {
      expect(peopleReach(v)).toEqual({ kind: 'directory' });
      const one = search(v, { actor: 'avery@bluewidget.test', principal: stranger });
      expect(one.filters).toMatchObject({ actorId: t.ids.avery, principalId: stranger });
      expect(one.typed.actor).toBe('avery@bluewidget.test');
      const many = search(v, { actor: 'av' });
      expect(many.choices.actor?.map((c) => c.id).sort()).toEqual([t.ids.avery, stranger].sort());
      expect(many.choices.actor?.every((c) => c.text.includes('@'))).toBe(true);
    }
  });
});
