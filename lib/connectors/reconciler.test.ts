import { afterEach, describe, expect, it, vi } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { ROLE_IDS } from '@/lib/policy';
import { freshDb, TEST_KEY } from '@/tests/support/db';
import { submitActivation } from '@/lib/activation/submit';
import { submitSelfRequest } from '@/lib/activation/self';
import { codeAt, eligibilityOf, MIN, RG, user } from '@/lib/activation/test-support';
import { setUserDisabled } from '@/lib/users';
import { addPortalBinding, createPortalConnector, removePortalBinding, setBindingMode } from './store';
import { Reconciler } from './reconciler';
import { addFinanceDevDb, MemoryTarget } from './test-support';

vi.mock('@/lib/notify/deliver', () => ({ scheduleDelivery: () => {} }));

let env: ReturnType<typeof freshDb>;
const reconcilers: Reconciler[] = [];
afterEach(async () => {
  for (const r of reconcilers.splice(0)) await r.stop();
  env?.close();
});

const WRITERS = 'finance_dev_writers';
const READERS = 'finance_dev_readers';

function setup(opts: { mode?: 'report' | 'enforce' } = {}) {
  env = freshDb();
  const { db, ids } = env;
  let now = env.now;
  const steve = user(db, ids.steve);
  const sam = user(db, ids.sam);
  addFinanceDevDb(db, now);
  createPortalConnector(
    db,
    steve,
    {
      id: 'finance-db',
      displayName: 'Finance DB',
      type: 'postgresql',
      options: { login: 'email-local-part', terminateSessions: true },
      secret: 'postgres://x',
    },
    TEST_KEY,
    now,
  );
  const bindingId = addPortalBinding(
    db,
    steve,
    'finance-db',
    {
      scopeId:
        '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55/resourceGroups/finance-dev/providers/Microsoft.DBforPostgreSQL/flexibleServers/finance-dev-db',
      mode: opts.mode ?? 'report',
      roles: new Map([
        [ROLE_IDS.contributor, WRITERS],
        [ROLE_IDS.reader, READERS],
      ]),
    },
    now,
  );
  const target = new MemoryTarget([WRITERS, READERS]);
  const make = (holder: string) => {
    const r = new Reconciler({
      db,
      env: {} as NodeJS.ProcessEnv,
      key: TEST_KEY,
      fullEveryMs: 5 * MIN,
      allowPrivateWebhooks: true,
      now: () => now,
      holder,
      makeDriver: () => target,
    });
    reconcilers.push(r);
    return r;
  };
  const elig = eligibilityOf(db, ids.sam, ROLE_IDS.contributor);
  const activate = (minutes = 60) =>
    submitActivation(
      db,
      sam,
      { durationMinutes: minutes, justification: 'Migration', eligibilityId: elig.id, scopeIds: [RG('finance-dev')], mfaCode: codeAt(now) },
      now,
    ).requests[0];
  const audit = (action: string) => db.select().from(s.auditEvents).where(eq(s.auditEvents.action, action)).all();
  const binding = () => db.select().from(s.connectorBindings).where(eq(s.connectorBindings.id, bindingId)).get();
  return { db, ids, steve, sam, target, make, activate, audit, binding, bindingId, at: () => now, advance: (ms: number) => (now += ms) };
}

describe('reconciler', () => {
  it('grants on activation, revokes on deactivation, each audited', async () => {
    const t = setup();
    const r = t.make('A');
    await r.runOnce();
    // Sam's standing Reader assignment on finance-dev reaches the database below it
    expect(t.target.has(READERS, 'sam')).toBe(true);
    expect(t.target.has(WRITERS, 'sam')).toBe(false);
    const act = t.activate();
    await r.runOnce();
    expect(t.target.has(WRITERS, 'sam')).toBe(true);
    expect(t.audit('Connector granted').map((e) => JSON.parse(e.details).target)).toEqual([READERS, WRITERS]);
    t.advance(MIN);
    submitSelfRequest(t.db, t.sam, { requestType: 'SelfDeactivate', targetScheduleId: act.scheduleId! }, t.at());
    await r.runOnce();
    expect(t.target.has(WRITERS, 'sam')).toBe(false);
    expect(t.target.calls.at(-1)).toBe(`revoke ${WRITERS} sam +terminate`);
    expect(t.audit('Connector revoked')).toHaveLength(1);
  });

  it('a change elsewhere in the tenant costs this binding nothing', async () => {
    const t = setup();
    const r = t.make('A');
    await r.runOnce();
    const calls = t.target.calls.length;
    const passes = t.db.get<{ at: number }>(sql`SELECT last_reconcile_at AS at FROM connector_bindings`)!.at;
    t.advance(MIN);
    const jen = user(t.db, t.ids.jen);
    submitActivation(
      t.db,
      jen,
      {
        durationMinutes: 60,
        justification: 'Patch',
        eligibilityId: eligibilityOf(t.db, t.ids.jen).id,
        scopeIds: [RG('finance-test')],
        mfaCode: codeAt(t.at()),
      },
      t.at(),
    );
    await r.runOnce();
    expect(t.target.calls.length).toBe(calls);
    expect(t.db.get<{ at: number }>(sql`SELECT last_reconcile_at AS at FROM connector_bindings`)!.at).toBe(passes);
    // while a change that reaches the bound database is carried out at once
    t.activate();
    await r.runOnce();
    expect(t.target.has(WRITERS, 'sam')).toBe(true);
  });

  it('revokes when the activation reaches its end, with no change in between', async () => {
    const t = setup();
    const r = t.make('A');
    t.activate(30);
    await r.runOnce();
    expect(t.target.has(WRITERS, 'sam')).toBe(true);
    t.advance(30 * MIN - 1);
    await r.runOnce();
    expect(t.target.has(WRITERS, 'sam')).toBe(true);
    t.advance(1);
    await r.runOnce();
    expect(t.target.has(WRITERS, 'sam')).toBe(false);
  });

  it('a new process after a crash across the end revokes at its first pass', async () => {
    const t = setup();
    const a = t.make('A');
    t.activate(30);
    await a.runOnce();
    expect(t.target.has(WRITERS, 'sam')).toBe(true);
    // A dies (no stop, its lease lapses); the end passes while nothing runs
    t.advance(45 * MIN);
    const b = t.make('B');
    await b.runOnce();
    expect(t.target.has(WRITERS, 'sam')).toBe(false);
  });

  it('two processes never both apply the same change (lease per binding)', async () => {
    const t = setup();
    const a = t.make('A');
    const b = t.make('B');
    await Promise.all([a.runOnce(), b.runOnce()]);
    t.activate();
    await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    expect(t.target.calls.filter((c) => c === `grant ${WRITERS} sam`)).toHaveLength(1);
    expect(t.db.get<{ holder: string }>(sql`SELECT holder FROM connector_leases WHERE name = ${`binding:${t.bindingId}`}`)?.holder).toBe(
      'A',
    );
  });

  it('a grant made by hand is drift: reported once, and revoked when the binding enforces', async () => {
    const t = setup();
    const r = t.make('A');
    t.target.members_.get(WRITERS)!.add('mallory');
    await r.runOnce();
    expect(t.target.has(WRITERS, 'mallory')).toBe(true);
    expect(t.audit('Access outside PIM found')).toHaveLength(1);
    const ev = t.db.select().from(s.connectorEvents).where(eq(s.connectorEvents.type, 'drift.detected')).all();
    expect(JSON.parse(ev[0].subject).details).toMatchObject({ target: WRITERS, login: 'mallory', mode: 'report' });
    // the next full pass sees it again: the same finding, not a new one
    t.advance(6 * MIN);
    await r.runOnce();
    expect(t.audit('Access outside PIM found')).toHaveLength(1);
    setBindingMode(t.db, t.steve, t.bindingId, 'enforce', t.at());
    await r.runOnce();
    expect(t.target.has(WRITERS, 'mallory')).toBe(false);
    expect(t.audit('Access outside PIM revoked')).toHaveLength(1);
    expect(t.db.select().from(s.connectorDrift).get()).toMatchObject({ resolution: 'revoked' });
  });

  it('drift removed by hand in the target is closed at the next full pass, and the close is audited', async () => {
    const t = setup();
    const r = t.make('A');
    t.target.members_.get(WRITERS)!.add('mallory');
    await r.runOnce();
    expect(t.db.select().from(s.connectorDrift).get()).toMatchObject({ resolvedAt: null });
    t.target.members_.get(WRITERS)!.delete('mallory');
    t.advance(6 * MIN);
    await r.runOnce();
    expect(t.db.select().from(s.connectorDrift).get()).toMatchObject({ resolution: 'gone', resolvedAt: t.at() });
    expect(t.audit('Access outside PIM no longer found').map((e) => JSON.parse(e.details).login)).toEqual(['mallory']);
  });

  it('an unreachable target backs off, shows the error, and catches up when it returns', async () => {
    const t = setup();
    const r = t.make('A');
    t.target.down = true;
    t.activate();
    await r.runOnce();
    expect(t.binding()).toMatchObject({ failures: 1, lastError: expect.stringMatching(/Cannot reach/) });
    expect(t.audit('Connector reconcile failed')).toHaveLength(1);
    await r.runOnce(); // still backing off: no new attempt
    expect(t.binding()?.failures).toBe(1);
    t.target.down = false;
    t.advance(5_000);
    await r.runOnce();
    expect(t.target.has(WRITERS, 'sam')).toBe(true);
    expect(t.binding()).toMatchObject({ failures: 0, lastError: null });
    expect(t.audit('Connector reconcile recovered')).toHaveLength(1);
  });

  it('a user without a login in the target fails that grant only, audited once', async () => {
    const t = setup();
    t.target.missingLogins.add('sam');
    const r = t.make('A');
    await r.runOnce();
    t.activate();
    await r.runOnce();
    const rows = t.db.select().from(s.connectorGrants).all();
    expect(rows.every((g) => g.state === 'granting' && /no login role "sam"/.test(g.lastError ?? ''))).toBe(true);
    expect(t.audit('Connector grant failed')).toHaveLength(2);
    expect(t.binding()?.failures).toBe(0);
  });

  it('disabling the user revokes everything at once', async () => {
    const t = setup();
    const r = t.make('A');
    await r.runOnce();
    expect(t.target.has(READERS, 'sam')).toBe(true);
    setUserDisabled(t.db, t.steve, t.ids.sam, true, t.at(), 'left the company');
    await r.runOnce();
    expect(t.target.has(READERS, 'sam')).toBe(false);
  });

  it('removing a binding revokes what it granted, then deletes it', async () => {
    const t = setup();
    const r = t.make('A');
    await r.runOnce();
    removePortalBinding(t.db, t.steve, t.bindingId, t.at());
    await r.runOnce();
    expect(t.target.has(READERS, 'sam')).toBe(false);
    expect(t.binding()).toBeUndefined();
  });

  it('an activation that ends by the clock reaches the webhook journal once', async () => {
    const t = setup();
    // a webhook connector makes the reconciler keep the journal's clock-driven events
    t.db.run(
      sql`INSERT INTO connectors (id, type, display_name, source, options, secret_sealed, state, created_at, updated_at)
          VALUES ('siem', 'webhook', 'SIEM', 'portal', '{"url":"http://127.0.0.1:9","events":["activation.ended"]}', 'x', 'paused', 0, 0)`,
    );
    const r = t.make('A');
    await r.runOnce();
    const act = t.activate(30);
    t.advance(31 * MIN);
    await r.runOnce();
    await r.runOnce();
    const ended = t.db.select().from(s.connectorEvents).where(eq(s.connectorEvents.type, 'activation.ended')).all();
    expect(ended.map((e) => e.id)).toEqual([`activation.ended:${act.scheduleId}`]);
    expect(JSON.parse(ended[0].subject)).toMatchObject({ principal: { id: t.ids.sam }, reasons: ['Reached the end of its window.'] });
  });
});
