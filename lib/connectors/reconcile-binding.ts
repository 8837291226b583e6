import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { connectorBindings, connectorDrift, connectorGrants, connectors, users, type Connector, type ConnectorBinding } from '@/db/schema';
import { writeAudit } from '@/lib/audit/write';
import { desiredState, loginFor, planReconcile, type DesiredState, type PlannedGrant, type TargetMember } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { recordEvent } from './events';
import { bindingRule, optionsOf, parseRoles, SYSTEM_ACTOR, type PostgresOptionsStored } from './store';
import { TargetError, type TargetDriver } from './types';

/**
 * One reconcile of one binding: ask the engine what the binding should grant now, compare
 * with Elevate's record of what it granted (and, on a full pass, with the target's real
 * members), and carry out the engine's plan. The caller holds the binding's lease.
 *
 * Order of writes makes a crash harmless: a grant row is written ('granting') before the
 * target is called and confirmed after, a revoke is marked ('revoking') before and the row
 * deleted after. Whatever a crash interrupts, the row still says the grant is Elevate's,
 * so the next pass finishes it instead of mistaking it for drift.
 */

export interface BindingOutcome {
  granted: number;
  revoked: number;
  drift: number;
  failed: number;
  /** a retryable failure (the target is unreachable): the caller backs off */
  retryError: string | null;
  desired: DesiredState;
  /** the binding is gone (removed and fully revoked) */
  deleted: boolean;
  /** users entitled by the engine whom the connector's login rule cannot map */
  unmapped: string[];
  /** the lease went to another process mid-run */
  lost?: boolean;
}

const backoff = (failures: number) => Math.min(60_000, 1_000 * 2 ** Math.min(failures, 6));

function loginsFor(db: Db, rule: PostgresOptionsStored['login'], userIds: string[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (let i = 0; i < userIds.length; i += 500) {
    const chunk = userIds.slice(i, i + 500);
    for (const u of db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, chunk)).all())
      out.set(u.id, loginFor(rule, u));
  }
  return out;
}

function audit(
  db: DbOrTx,
  b: ConnectorBinding,
  now: number,
  action: string,
  g: TargetMember & { userId?: string | null },
  details: Record<string, unknown>,
  outcome: 'Success' | 'Failure' = 'Success',
) {
  const name = g.userId ? (db.select({ n: users.displayName }).from(users).where(eq(users.id, g.userId)).get()?.n ?? null) : null;
  writeAudit(db, {
    at: now,
    actor: SYSTEM_ACTOR,
    action,
    outcome,
    scopeId: b.scopeId,
    principal: g.userId ? { type: 'User', id: g.userId, name } : null,
    details: { connectorId: b.connectorId, bindingId: b.id, target: g.target, login: g.login, ...details },
  });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What the engine says the binding should grant now. */
export function bindingDesired(db: Db, b: ConnectorBinding, now: number): DesiredState {
  return desiredState(policyIndex(db), bindingRule(b), now);
}

/** A cheap identity of a desired state: equal fingerprints need no work in the target. */
export function desiredFingerprint(d: DesiredState): string {
  return d.grants.map((g) => `${g.target}\u0000${g.userId}`).join('\u0001');
}

export async function reconcileBinding(
  db: Db,
  c: Connector,
  b: ConnectorBinding,
  driver: TargetDriver,
  now: number,
  full: boolean,
  opt: { desired?: DesiredState; renew?: () => boolean } = {},
): Promise<BindingOutcome> {
  const opts = optionsOf<PostgresOptionsStored>(c);
  const desired = opt.desired ?? bindingDesired(db, b, now);
  const renew = opt.renew ?? (() => true);
  const out: BindingOutcome = { granted: 0, revoked: 0, drift: 0, failed: 0, retryError: null, desired, deleted: false, unmapped: [] };
  const logins = loginsFor(db, opts.login, [...new Set(desired.grants.map((g) => g.userId))]);
  const applied = db.select().from(connectorGrants).where(eq(connectorGrants.bindingId, b.id)).all();
  const targets = [...new Set(parseRoles(b.roles).values())];
  const removed = b.removedAt !== null;
  let actual: Map<string, Set<string>> | undefined;
  try {
    if (full && !removed) actual = await driver.members(targets);
    const plan = planReconcile({ desired: desired.grants, logins, applied, actual, mode: b.mode });
    // revocations first: ending access is the more urgent half of a plan
    for (const r of plan.revoke) {
      if (!renew()) throw new LeaseLost();
      await revokeOne(db, b, driver, r, opts.terminateSessions, now, 'Connector revoked', out);
    }
    for (const g of plan.grant) {
      if (!renew()) throw new LeaseLost();
      await grantOne(
        db,
        b,
        driver,
        g,
        now,
        applied.some((a) => a.target === g.target && a.login === g.login && a.state === 'granted'),
        out,
      );
    }
    if (actual) recordDrift(db, b, plan.drift, now, out);
    for (const d of plan.revokeDrift) {
      if (!renew()) throw new LeaseLost();
      await revokeOne(db, b, driver, d, opts.terminateSessions, now, 'Access outside PIM revoked', out);
      db.update(connectorDrift)
        .set({ resolvedAt: now, resolution: 'revoked' })
        .where(
          and(
            eq(connectorDrift.bindingId, b.id),
            eq(connectorDrift.target, d.target),
            eq(connectorDrift.login, d.login),
            isNull(connectorDrift.resolvedAt),
          ),
        )
        .run();
    }
    if (actual) {
      // drift that is no longer in the target (removed by hand, or now granted by Elevate) is closed
      const still = new Set(plan.drift.map((d) => `${d.target}\u0000${d.login}`));
      for (const open of db
        .select()
        .from(connectorDrift)
        .where(and(eq(connectorDrift.bindingId, b.id), isNull(connectorDrift.resolvedAt)))
        .all()) {
        if (still.has(`${open.target}\u0000${open.login}`)) continue;
        // a closed finding is audited like an opened one, in the same transaction as the close
        db.transaction(
          (tx) => {
            tx.update(connectorDrift).set({ resolvedAt: now, resolution: 'gone' }).where(eq(connectorDrift.id, open.id)).run();
            audit(tx, b, now, 'Access outside PIM no longer found', open, { firstSeen: open.firstSeen });
          },
          { behavior: 'immediate' },
        );
      }
    }
    out.unmapped = plan.unmapped;
  } catch (e) {
    // another process holds the binding now: it finishes the work; record nothing here
    if (e instanceof LeaseLost) return { ...out, lost: true };
    if (!(e instanceof TargetError) || e.retry) out.retryError = message(e);
    else out.failed++;
  }
  finish(db, c, b, now, full, out);
  return out;
}

class LeaseLost extends Error {}

async function grantOne(
  db: Db,
  b: ConnectorBinding,
  driver: TargetDriver,
  g: PlannedGrant,
  now: number,
  regrant: boolean,
  out: BindingOutcome,
) {
  db.insert(connectorGrants)
    .values({ bindingId: b.id, target: g.target, login: g.login, userId: g.userId, state: 'granting', until: g.until })
    .onConflictDoUpdate({
      target: [connectorGrants.bindingId, connectorGrants.target, connectorGrants.login],
      set: { state: 'granting', userId: g.userId, until: g.until },
    })
    .run();
  try {
    await driver.grant(g);
  } catch (e) {
    if (e instanceof TargetError && !e.retry) {
      const row = db
        .select({ lastError: connectorGrants.lastError })
        .from(connectorGrants)
        .where(and(eq(connectorGrants.bindingId, b.id), eq(connectorGrants.target, g.target), eq(connectorGrants.login, g.login)))
        .get();
      db.transaction(
        (tx) => {
          tx.update(connectorGrants)
            .set({ lastError: e.message })
            .where(and(eq(connectorGrants.bindingId, b.id), eq(connectorGrants.target, g.target), eq(connectorGrants.login, g.login)))
            .run();
          // the same failure again is the same finding: audited once, shown on the binding until it clears
          if (row?.lastError !== e.message) audit(tx, b, now, 'Connector grant failed', g, { error: e.message }, 'Failure');
        },
        { behavior: 'immediate' },
      );
      out.failed++;
      return;
    }
    throw e;
  }
  db.transaction(
    (tx) => {
      tx.update(connectorGrants)
        .set({ state: 'granted', grantedAt: now, lastError: null })
        .where(and(eq(connectorGrants.bindingId, b.id), eq(connectorGrants.target, g.target), eq(connectorGrants.login, g.login)))
        .run();
      audit(tx, b, now, 'Connector granted', g, { until: g.until, ...(regrant ? { reason: 'missing in the target; granted again' } : {}) });
    },
    { behavior: 'immediate' },
  );
  out.granted++;
}

async function revokeOne(
  db: Db,
  b: ConnectorBinding,
  driver: TargetDriver,
  r: TargetMember,
  terminate: boolean,
  now: number,
  action: string,
  out: BindingOutcome,
) {
  const mine = db
    .update(connectorGrants)
    .set({ state: 'revoking' })
    .where(and(eq(connectorGrants.bindingId, b.id), eq(connectorGrants.target, r.target), eq(connectorGrants.login, r.login)))
    .returning({ userId: connectorGrants.userId })
    .get();
  let sessionsEnded = 0;
  try {
    sessionsEnded = (await driver.revoke(r, { terminateSessions: terminate })).sessionsEnded;
  } catch (e) {
    if (e instanceof TargetError && !e.retry) {
      // nothing to revoke in the target any more (its role was dropped): Elevate's record is all that is left
      db.transaction(
        (tx) => {
          tx.delete(connectorGrants)
            .where(and(eq(connectorGrants.bindingId, b.id), eq(connectorGrants.target, r.target), eq(connectorGrants.login, r.login)))
            .run();
          audit(tx, b, now, 'Connector revoke failed', { ...r, userId: mine?.userId ?? null }, { error: e.message }, 'Failure');
        },
        { behavior: 'immediate' },
      );
      out.failed++;
      return;
    }
    throw e;
  }
  db.transaction(
    (tx) => {
      tx.delete(connectorGrants)
        .where(and(eq(connectorGrants.bindingId, b.id), eq(connectorGrants.target, r.target), eq(connectorGrants.login, r.login)))
        .run();
      audit(tx, b, now, action, { ...r, userId: mine?.userId ?? null }, { sessionsEnded, terminateSessions: terminate });
    },
    { behavior: 'immediate' },
  );
  out.revoked++;
}

function recordDrift(db: Db, b: ConnectorBinding, drift: TargetMember[], now: number, out: BindingOutcome) {
  for (const d of drift) {
    db.transaction(
      (tx) => {
        const open = tx
          .select()
          .from(connectorDrift)
          .where(
            and(
              eq(connectorDrift.bindingId, b.id),
              eq(connectorDrift.target, d.target),
              eq(connectorDrift.login, d.login),
              isNull(connectorDrift.resolvedAt),
            ),
          )
          .get();
        if (open) {
          tx.update(connectorDrift).set({ lastSeen: now }).where(eq(connectorDrift.id, open.id)).run();
          return;
        }
        const row = tx
          .insert(connectorDrift)
          .values({ bindingId: b.id, target: d.target, login: d.login, firstSeen: now, lastSeen: now })
          .returning({ id: connectorDrift.id })
          .get();
        const reasons = [
          `${d.login} is a member of ${d.target} in ${b.connectorId}, and Elevate did not grant it.`,
          b.mode === 'enforce'
            ? 'The binding enforces: Elevate revokes it.'
            : 'The binding reports: revoke it in the target or bring it into Elevate.',
        ];
        audit(tx, b, now, 'Access outside PIM found', d, { mode: b.mode }, 'Success');
        recordEvent(tx, {
          id: `drift.detected:${b.id}:${row.id}`,
          type: 'drift.detected',
          at: now,
          subject: {
            principal: null,
            role: null,
            scope: { id: b.scopeId, armId: b.scopeId },
            window: null,
            request: null,
            actor: { id: null, name: 'Elevate' },
            justification: null,
            reasons,
            details: { connectorId: b.connectorId, bindingId: b.id, target: d.target, login: d.login, mode: b.mode },
          },
        });
      },
      { behavior: 'immediate' },
    );
    out.drift++;
  }
}

function finish(db: Db, c: Connector, b: ConnectorBinding, now: number, full: boolean, out: BindingOutcome) {
  db.transaction(
    (tx) => {
      if (out.retryError) {
        const failures = b.failures + 1;
        tx.update(connectorBindings)
          .set({
            failures,
            failingSince: b.failingSince ?? now,
            lastError: out.retryError,
            nextAttemptAt: now + backoff(failures),
            lastReconcileAt: now,
          })
          .where(eq(connectorBindings.id, b.id))
          .run();
        // the first failure of a run of them, and each new kind of failure, is audited; the rest show on the binding page
        if (b.lastError !== out.retryError) {
          writeAudit(tx, {
            at: now,
            actor: SYSTEM_ACTOR,
            action: 'Connector reconcile failed',
            outcome: 'Failure',
            scopeId: b.scopeId,
            details: { connectorId: c.id, bindingId: b.id, error: out.retryError, failures },
          });
        }
        return;
      }
      if (b.removedAt !== null) {
        const left = tx.get<{ n: number }>(sql`SELECT count(*) AS n FROM connector_grants WHERE binding_id = ${b.id}`)?.n ?? 0;
        if (left === 0) {
          tx.delete(connectorBindings).where(eq(connectorBindings.id, b.id)).run();
          out.deleted = true;
          const rest = tx.get<{ n: number }>(sql`SELECT count(*) AS n FROM connector_bindings WHERE connector_id = ${c.id}`)?.n ?? 0;
          if (c.removedAt !== null && rest === 0) tx.delete(connectors).where(eq(connectors.id, c.id)).run();
          return;
        }
      }
      if (b.failures > 0) {
        writeAudit(tx, {
          at: now,
          actor: SYSTEM_ACTOR,
          action: 'Connector reconcile recovered',
          scopeId: b.scopeId,
          details: { connectorId: c.id, bindingId: b.id, after: b.failures },
        });
      }
      const note =
        out.unmapped.length > 0
          ? `${out.unmapped.length} ${out.unmapped.length === 1 ? 'person holds' : 'people hold'} a mapped role ` +
            `but ${out.unmapped.length === 1 ? 'has' : 'have'} no login under the connector's rule.`
          : null;
      tx.update(connectorBindings)
        .set({
          failures: 0,
          failingSince: null,
          lastError: note,
          nextAttemptAt: null,
          lastReconcileAt: now,
          nextChangeAt: out.desired.nextChangeAt,
          ...(full ? { lastFullAt: now } : {}),
        })
        .where(eq(connectorBindings.id, b.id))
        .run();
    },
    { behavior: 'immediate' },
  );
}
