import 'server-only';
import type { Db } from '@/db/client';
import type { Connector } from '@/db/schema';
import { writeAudit } from '@/lib/audit/write';
import { config } from '@/lib/config';
import { getEncryptionKey } from '@/lib/crypto/secrets';
import { ElevateError, isElevateError } from '@/lib/errors';
import { makeDriver } from './drivers';
import {
  connectorBindingsOf,
  connectorSecret,
  getConnector,
  optionsOf,
  parseRoles,
  requireConnectorAdmin,
  type Actor,
  type WebhookOptionsStored,
} from './store';
import type { ConnectionCheck } from './types';
import { webhookSecretProblem } from './webhook/secret';
import { checkWebhookUrl } from './webhook/url-guard';

/**
 * "Test connection" on the connector page: the check a person runs after setting a
 * connector up or when its bindings fail. Never throws for what the check finds — an
 * unreachable server or a missing environment variable is the answer, in words — and
 * every test is audited, because it makes Elevate use the connector's secret.
 */
export interface TestDeps {
  env: NodeJS.ProcessEnv;
  key: () => Buffer;
  allowPrivate: () => boolean;
  makeDriver: typeof makeDriver;
}

const runtime: TestDeps = {
  env: process.env,
  key: getEncryptionKey,
  allowPrivate: () => config().connectors.allowPrivateWebhooks,
  makeDriver,
};

export async function testConnection(
  db: Db,
  actor: Actor,
  connectorId: string,
  now: number,
  deps: Partial<TestDeps> = {},
): Promise<ConnectionCheck> {
  requireConnectorAdmin(db, actor);
  const c = getConnector(db, connectorId);
  if (!c || c.removedAt !== null) throw new ElevateError('NotFound', 'That connector does not exist.');
  const d = { ...runtime, ...deps };
  const result = c.type === 'postgresql' ? await testTarget(db, c, d) : await testWebhook(c, d);
  db.transaction((tx) => {
    writeAudit(tx, {
      at: now,
      actor: { id: actor.id, name: actor.displayName },
      action: 'Connector connection tested',
      outcome: result.ok ? 'Success' : 'Failure',
      details: { connectorId, message: result.message, ...(result.missingTargets.length ? { missingTargets: result.missingTargets } : {}) },
    });
  });
  return result;
}

/** The secret, or the sentence saying why there is none (an unset environment variable). */
function secretOf(c: Connector, d: TestDeps): { secret: string } | { problem: string } {
  try {
    return { secret: connectorSecret(c, d.env, d.key()) };
  } catch (e) {
    if (isElevateError(e)) return { problem: e.message };
    // an unseal failure means the encryption key changed since the secret was typed
    return { problem: `The secret of ${c.id} cannot be unsealed with this instance's encryption key; type it again.` };
  }
}

async function testTarget(db: Db, c: Connector, d: TestDeps): Promise<ConnectionCheck> {
  const s = secretOf(c, d);
  if ('problem' in s) return { ok: false, message: s.problem, missingTargets: [] };
  // the targets of live bindings: what the reconciler will grant into
  const targets = [
    ...new Set(
      connectorBindingsOf(db, c.id)
        .filter((b) => b.removedAt === null)
        .flatMap((b) => [...parseRoles(b.roles).values()]),
    ),
  ];
  const driver = d.makeDriver(c, s.secret);
  try {
    return await driver.test(targets);
  } catch (e) {
    // drivers promise not to throw; if one does, its words still reach the page
    return { ok: false, message: e instanceof Error ? e.message : String(e), missingTargets: [] };
  } finally {
    await driver.close().catch(() => {});
  }
}

async function testWebhook(c: Connector, d: TestDeps): Promise<ConnectionCheck> {
  const s = secretOf(c, d);
  if ('problem' in s) return { ok: false, message: s.problem, missingTargets: [] };
  const problem = webhookSecretProblem(s.secret);
  if (problem) return { ok: false, message: problem, missingTargets: [] };
  const { url } = optionsOf<WebhookOptionsStored>(c);
  const check = await checkWebhookUrl(url, { allowPrivate: d.allowPrivate() });
  if (!check.ok) return { ok: false, message: check.reason, missingTargets: [] };
  return {
    ok: true,
    message:
      `Elevate may deliver to ${url} (${check.addresses.join(', ')}) and the signing secret is valid. ` +
      'Whether the receiver accepts deliveries shows in the delivery log.',
    missingTargets: [],
  };
}
