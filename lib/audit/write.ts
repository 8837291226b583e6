import crypto from 'node:crypto';
import { desc } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import type { DbOrTx } from '@/db/client';
import { auditHash, GENESIS_HASH, type AuditContent } from './chain';
import { recordEventsForAudit } from '@/lib/connectors/events';
import { withRequestIds } from '@/lib/arm/request-id';

export interface AuditInput {
  at: number;
  actor: { id: string | null; name: string };
  action: string;
  outcome?: 'Success' | 'Failure';
  principal?: { type: string; id: string; name?: string | null } | null;
  role?: { id: string; name?: string | null } | null;
  scopeId?: string | null;
  requestId?: string | null;
  justification?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Appends one event to the hash chain. Call it inside the transaction that makes the
 * change, so the change and its record commit or roll back together; the transaction's
 * write lock also keeps the chain linear.
 */
export function writeAudit(tx: DbOrTx, input: AuditInput): AuditContent & { hash: string } {
  const last = tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get();
  const prevHash = last?.hash ?? GENESIS_HASH;
  const content: AuditContent = {
    id: crypto.randomUUID(),
    at: input.at,
    actorId: input.actor.id,
    actorName: input.actor.name,
    action: input.action,
    outcome: input.outcome ?? 'Success',
    principalType: input.principal?.type ?? null,
    principalId: input.principal?.id ?? null,
    principalName: input.principal?.name ?? null,
    roleId: input.role?.id ?? null,
    roleName: input.role?.name ?? null,
    scopeId: input.scopeId ?? null,
    requestId: input.requestId ?? null,
    justification: input.justification ?? null,
    // an API call's x-ms-request-id and correlation id, so a support case traces end to end
    details: JSON.stringify(withRequestIds(input.details)),
  };
  const hash = auditHash(prevHash, content);
  tx.insert(auditEvents)
    .values({ ...content, prevHash, hash })
    .run();
  // the webhook journal reads the same facts, in the same transaction (ADR 080)
  recordEventsForAudit(tx, content);
  return { ...content, hash };
}
