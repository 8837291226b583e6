import 'server-only';
import { getDb } from '@/db';
import { config } from '@/lib/config';
import { getEncryptionKey } from '@/lib/crypto/secrets';
import { makeDriver } from './drivers';
import { loadConnectorsFile, syncConnectorsFile } from './file';
import { Reconciler } from './reconciler';

/**
 * Start-up of the connectors: the file (if configured) is validated and applied before the
 * server takes requests — a bad file throws ConnectorsFileError and the server does not
 * start — then the reconciler loop begins. One reconciler per process; leases keep several
 * processes on one database from doing the same work.
 */
const holder = globalThis as unknown as { __elevateReconciler?: Reconciler };

export function startConnectors(): Reconciler {
  if (holder.__elevateReconciler) return holder.__elevateReconciler;
  const db = getDb();
  const cfg = config().connectors;
  if (cfg.file) {
    const loaded = loadConnectorsFile(cfg.file, db, process.env);
    const r = syncConnectorsFile(db, loaded, Date.now());
    console.log(
      `[elevate] connectors file ${cfg.file}: ${loaded.specs.length} connector(s)${r.added || r.removed ? ` (${r.added} added, ${r.removed} removed)` : ''}`,
    );
  }
  const reconciler = new Reconciler({
    db,
    env: process.env,
    key: getEncryptionKey(),
    fullEveryMs: cfg.fullEveryMs,
    allowPrivateWebhooks: cfg.allowPrivateWebhooks,
    makeDriver,
    log: (m) => console.error(m),
  });
  reconciler.start();
  holder.__elevateReconciler = reconciler;
  // no signal handlers here: they would keep the server from exiting; a stopped process's
  // leases are taken over at once on this host and within LEASE_MS elsewhere
  return reconciler;
}

export function currentReconciler(): Reconciler | undefined {
  return holder.__elevateReconciler;
}
