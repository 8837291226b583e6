import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { connectorBindings, connectors, type Connector, type ConnectorBinding } from '@/db/schema';
import { currentRevision } from '@/lib/tenant/engine';
import { deliverDue } from './webhook/dispatch';
import { recordActivationEnds } from './ends';
import { acquireLease, LEASE_MS, PROCESS_HOLDER, releaseLease } from './lease';
import { bindingDesired, desiredFingerprint, reconcileBinding, type BindingOutcome } from './reconcile-binding';
import { connectorSecret } from './store';
import type { TargetDriver } from './types';
import type { DesiredState } from '@/lib/policy';

/**
 * The reconciler (ADR 080): one loop per process that keeps every target at its binding's
 * desired state and every webhook endpoint fed, durably and exactly once across processes.
 *
 * Each tick (TICK_MS) reads the tenant revision (one lookup) and the connector rows, and
 * starts a unit of work for each binding that is due:
 *   - the tenant changed since this process last reconciled it (an activation, approval,
 *     assignment, removal, group membership, disabled user: anything the engine reads),
 *   - the clock passed the binding's next window start or end (`nextChangeAt`),
 *   - a retry after a failure is due, or a full pass is (first sight, every `fullEveryMs`,
 *     "Reconcile now").
 * A unit runs only under the binding's lease, so two processes never both apply a change;
 * a process that dies loses its leases to the next one within LEASE_MS (at once on the same
 * host). Nothing is remembered only in memory: the grants, the drift, the next change and
 * the failures are rows, so a restart picks up where the last process stopped — including
 * revoking access whose window ended while no process was running.
 */

export const TICK_MS = 200;

export interface ReconcilerOptions {
  db: Db;
  env: NodeJS.ProcessEnv;
  key: Buffer;
  fullEveryMs: number;
  allowPrivateWebhooks: boolean;
  now?: () => number;
  holder?: string;
  makeDriver: (c: Connector, secret: string) => TargetDriver;
  fetch?: typeof fetch;
  log?: (msg: string) => void;
}

interface Held {
  revision: number;
  fingerprint: string;
  nextChangeAt: number | null;
}

export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Map<string, Promise<void>>();
  private readonly drivers = new Map<string, { fingerprint: string; driver: TargetDriver }>();
  /** per binding this process has reconciled: the revision and desired state it reached */
  private readonly held = new Map<string, Held>();
  private stopped = false;
  readonly holder: string;

  constructor(private readonly o: ReconcilerOptions) {
    this.holder = o.holder ?? PROCESS_HOLDER;
  }

  private now() {
    return this.o.now ? this.o.now() : Date.now();
  }

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      try {
        this.tick();
      } catch (e) {
        this.o.log?.(`[elevate] reconciler tick failed: ${e instanceof Error ? e.message : e}`);
      }
      this.timer = setTimeout(loop, TICK_MS);
      this.timer.unref();
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled(this.running.values());
    for (const name of this.held.keys()) releaseLease(this.o.db, `binding:${name}`, this.holder);
    for (const d of this.drivers.values()) await d.driver.close().catch(() => {});
    this.drivers.clear();
  }

  /** Starts every unit that is due; returns when they have all finished (tests and the first pass await this). */
  async runOnce(): Promise<void> {
    this.tick();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Forget what this process reached, so the next tick re-reads every binding in full (tests: a "restart"). */
  forget(): void {
    this.held.clear();
  }

  private tick(): void {
    const { db } = this.o;
    const now = this.now();
    const revision = currentRevision(db);
    const rows = db.select().from(connectors).all();
    if (rows.length === 0) return;
    const byId = new Map(rows.map((c) => [c.id, c]));
    if (rows.some((c) => c.type === 'webhook') && this.holdJournal(now)) recordActivationEnds(db, now);
    for (const b of db.select().from(connectorBindings).all()) {
      const c = byId.get(b.connectorId);
      if (!c || this.running.has(b.id)) continue;
      const due = this.dueBinding(b, revision, now);
      if (!due) continue;
      const seen = this.held.get(b.id);
      const desired = bindingDesired(db, b, now);
      const fingerprint = desiredFingerprint(desired);
      if (due === 'revision' && seen && seen.fingerprint === fingerprint) {
        // the tenant changed elsewhere: this binding's grants did not, so the target needs nothing
        seen.revision = revision;
        seen.nextChangeAt = desired.nextChangeAt;
        continue;
      }
      if (!acquireLease(db, `binding:${b.id}`, now, this.holder, LEASE_MS)) {
        this.held.delete(b.id);
        continue;
      }
      this.launch(b.id, () => this.runBinding(c, b, revision, now, due === 'full', desired, fingerprint));
    }
    const head = db.get<{ seq: number }>(sql`SELECT coalesce(max(seq), 0) AS seq FROM connector_events`)?.seq ?? 0;
    for (const c of rows) {
      if (c.type !== 'webhook' || this.running.has(`webhook:${c.id}`)) continue;
      if (c.removedAt !== null) {
        db.delete(connectors)
          .where(sql`id = ${c.id}`)
          .run();
        continue;
      }
      if (c.state !== 'active' || c.eventCursor >= head || (c.headNextAt !== null && c.headNextAt > now)) continue;
      if (!acquireLease(db, `webhook:${c.id}`, now, this.holder, LEASE_MS)) continue;
      this.launch(`webhook:${c.id}`, () => this.runWebhook(c, now));
    }
  }

  private journalUntil = 0;

  /** The journal's clock-driven events have one writer; its lease is renewed when a third of it is left, not every tick. */
  private holdJournal(now: number): boolean {
    if (this.journalUntil - now > (2 * LEASE_MS) / 3) return true;
    if (!acquireLease(this.o.db, 'journal', now, this.holder, LEASE_MS)) {
      this.journalUntil = 0;
      return false;
    }
    this.journalUntil = now + LEASE_MS;
    return true;
  }

  /** Why the binding needs a pass now ('revision': only the tenant revision moved), or null. */
  private dueBinding(b: ConnectorBinding, revision: number, now: number): 'full' | 'change' | 'revision' | null {
    if (b.nextAttemptAt !== null && b.nextAttemptAt > now) return null;
    const seen = this.held.get(b.id);
    if (!seen || b.lastFullAt === null || now - b.lastFullAt >= this.o.fullEveryMs) return b.removedAt === null ? 'full' : 'change';
    if (b.removedAt !== null || b.nextAttemptAt !== null) return 'change';
    if (seen.nextChangeAt !== null && now >= seen.nextChangeAt) return 'change';
    if (seen.revision !== revision) return 'revision';
    return null;
  }

  private launch(name: string, work: () => Promise<void>) {
    const p = work()
      .catch((e) => this.o.log?.(`[elevate] connector ${name}: ${e instanceof Error ? e.message : e}`))
      .finally(() => this.running.delete(name));
    this.running.set(name, p);
  }

  private driverFor(c: Connector): TargetDriver {
    const secret = connectorSecret(c, this.o.env, this.o.key);
    const fingerprint = crypto.createHash('sha256').update(`${c.type}\u0000${secret}\u0000${c.options}`).digest('hex');
    const cached = this.drivers.get(c.id);
    if (cached && cached.fingerprint === fingerprint) return cached.driver;
    if (cached) void cached.driver.close().catch(() => {});
    const driver = this.o.makeDriver(c, secret);
    this.drivers.set(c.id, { fingerprint, driver });
    return driver;
  }

  private async runBinding(
    c: Connector,
    b: ConnectorBinding,
    revision: number,
    now: number,
    full: boolean,
    desired: DesiredState,
    fingerprint: string,
  ): Promise<void> {
    let driver: TargetDriver;
    try {
      driver = this.driverFor(c);
    } catch (e) {
      // a missing environment variable is a failure like an unreachable server: shown, retried, alerted
      const fake: TargetDriver = {
        type: c.type,
        test: async () => ({ ok: false, message: String(e), missingTargets: [] }),
        members: async () => {
          throw e;
        },
        grant: async () => {
          throw e;
        },
        revoke: async () => {
          throw e;
        },
        close: async () => {},
      };
      driver = fake;
    }
    let renewedAt = this.now();
    const renew = () => {
      // a long pass keeps its lease; losing it (another process took over) stops the pass
      if (this.now() - renewedAt < LEASE_MS / 3) return true;
      renewedAt = this.now();
      return acquireLease(this.o.db, `binding:${b.id}`, renewedAt, this.holder, LEASE_MS);
    };
    const out: BindingOutcome = await reconcileBinding(this.o.db, c, b, driver, now, full, { desired, renew });
    if (out.lost) {
      this.held.delete(b.id);
      return;
    }
    if (out.deleted) {
      this.held.delete(b.id);
      releaseLease(this.o.db, `binding:${b.id}`, this.holder);
      return;
    }
    if (out.retryError) {
      // the row's nextAttemptAt holds the backoff; the next success re-reads in full
      this.held.delete(b.id);
      return;
    }
    // a grant the target refused (no such login) is retried on the next change, not skipped as "unchanged"
    this.held.set(b.id, { revision, fingerprint: out.failed > 0 ? '' : fingerprint, nextChangeAt: out.desired.nextChangeAt });
  }

  private async runWebhook(c: Connector, now: number): Promise<void> {
    let secret: string;
    try {
      secret = connectorSecret(c, this.o.env, this.o.key);
    } catch (e) {
      this.o.log?.(`[elevate] webhook ${c.id}: ${e instanceof Error ? e.message : e}`);
      return;
    }
    await deliverDue(this.o.db, c.id, now, { secret, allowPrivate: this.o.allowPrivateWebhooks, fetch: this.o.fetch });
  }
}
