import 'server-only';
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { resources, type Resource } from '@/db/schema';
import { managementAccess, type ResourceKind } from '@/lib/policy';
import { nodeOf } from '@/lib/policy/tenant-index';
import { ElevateError } from '@/lib/errors';
import { writeAudit } from '@/lib/audit/write';
import { policyIndex } from '@/lib/tenant/engine';
import { ArmIdError, managementGroupId, parseArmId } from './arm-id';
import { canCreateUnder, requireManagementAccess } from './access';
import { scopePathText } from '@/lib/portal/scope-path';
import { ImportFormatError, planImport, type ImportReport } from './import';
import { countBelow } from './levels';

export * from './tree';
export * from './levels';
export * from './administered';
export type { ImportReport } from './import';

type Actor = { id: string; displayName: string };
const who = (a: Actor) => ({ id: a.id, name: a.displayName });

/** Which kinds may sit under which: the ARM hierarchy. */
export const PARENT_KINDS: Record<ResourceKind, (ResourceKind | null)[]> = {
  managementGroup: ['managementGroup', null],
  subscription: ['managementGroup', null],
  resourceGroup: ['subscription'],
  resource: ['resourceGroup', 'resource'],
};

const tenantIdOf = (db: DbOrTx) => db.select({ t: resources.tenantId }).from(resources).limit(1).get()?.t;

/**
 * "Enable PIM": marks the resource managed; its descendants inherit that (the engine
 * derives `managed` from ancestors), so one write manages a whole subtree.
 */
export function enablePim(db: Db, actor: Actor, scopeId: string, now: number): Resource {
  return db.transaction(
    (tx) => {
      const index = policyIndex(tx);
      const node = nodeOf(index, scopeId);
      if (!node) throw new ElevateError('NotFound', 'That resource does not exist.');
      requireManagementAccess(index, actor.id, node.fact.id, now);
      if (node.managed) throw new ElevateError('Conflict', `PIM is already enabled on ${scopePathText(index, node.fact.id)}.`);
      tx.update(resources).set({ managed: true, managedAt: now, managedBy: actor.id }).where(eq(resources.id, node.fact.id)).run();
      // the person asked for the whole subtree, so counting it is theirs to pay: one index range
      const descendants = node.children.length ? countBelow(tx, node.fact.id) : 0;
      writeAudit(tx, { at: now, actor: who(actor), action: 'PIM enabled', scopeId: node.fact.id, details: { descendants } });
      return tx.select().from(resources).where(eq(resources.id, node.fact.id)).get()!;
    },
    { behavior: 'immediate' },
  );
}

export interface AddResourceInput {
  kind: ResourceKind;
  /** display name; for resource groups and resources also the last id segment */
  name: string;
  parentId: string | null;
  /** provider type for kind=resource, e.g. Microsoft.Compute/virtualMachines */
  type?: string;
  /** subscription GUID or management group id; generated when omitted */
  key?: string;
}

/** The ARM id a hand-added resource gets, from its kind, name and parent. */
function armIdFor(input: AddResourceInput, parent: Resource | null): string {
  switch (input.kind) {
    case 'managementGroup':
      return managementGroupId(input.key || input.name.replace(/\s+/g, '-'));
    case 'subscription':
      return `/subscriptions/${input.key || crypto.randomUUID()}`;
    case 'resourceGroup':
      return `${parent!.armId}/resourceGroups/${input.name}`;
    case 'resource':
      return parent!.kind === 'resource'
        ? `${parent!.armId}/${(input.type ?? '').split('/').pop()}/${input.name}`
        : `${parent!.armId}/providers/${input.type}/${input.name}`;
  }
}

export function addResource(db: Db, actor: Actor, input: AddResourceInput, now: number): Resource {
  return db.transaction(
    (tx) => {
      const index = policyIndex(tx);
      const parentKey = input.parentId ? input.parentId.toLowerCase() : null;
      const parent = parentKey ? (tx.select().from(resources).where(eq(resources.id, parentKey)).get() ?? null) : null;
      const fieldErrors: Record<string, string[]> = {};
      if (parentKey && !parent) fieldErrors.parentId = ['That parent does not exist.'];
      if (!PARENT_KINDS[input.kind].includes(parent ? parent.kind : null)) {
        fieldErrors.parentId = [
          `A ${kindLabel(input.kind)} must sit under ${PARENT_KINDS[input.kind].map((k) => (k ? `a ${kindLabel(k)}` : 'nothing (top level)')).join(' or ')}.`,
        ];
      }
      if (input.kind === 'resource' && !/^[A-Za-z0-9.]+\/[A-Za-z0-9./]+$/.test(input.type ?? ''))
        fieldErrors.type = ['Give the provider type, e.g. Microsoft.Compute/virtualMachines.'];
      if (Object.keys(fieldErrors).length) throw new ElevateError('InvalidRequest', 'Check the highlighted fields.', { fieldErrors });
      if (!canCreateUnder(index, actor.id, parent?.id ?? null, now)) {
        throw new ElevateError(
          'AuthorizationFailed',
          parent
            ? `You do not have PIM management access on ${scopePathText(index, parent.id)}.`
            : 'Only tenant PIM administrators can add top-level resources.',
        );
      }
      let parsed;
      try {
        parsed = parseArmId(armIdFor(input, parent));
      } catch (e) {
        if (e instanceof ArmIdError)
          throw new ElevateError('InvalidRequest', 'Check the highlighted fields.', {
            fieldErrors: { name: ['Use letters, digits, dots, dashes or underscores, without slashes or spaces.'] },
          });
        throw e;
      }
      if (tx.select({ id: resources.id }).from(resources).where(eq(resources.id, parsed.key)).get()) {
        throw new ElevateError('Conflict', `${parsed.armId} already exists.`, {
          fieldErrors: { name: ['A resource with this id already exists.'] },
        });
      }
      const row = {
        id: parsed.key,
        armId: parsed.armId,
        tenantId: parent?.tenantId ?? tenantIdOf(tx)!,
        kind: parsed.kind,
        type: parsed.type,
        name: parsed.name,
        displayName: input.name,
        parentId: parent?.id ?? null,
        managed: false,
        createdAt: now,
      };
      tx.insert(resources).values(row).run();
      writeAudit(tx, {
        at: now,
        actor: who(actor),
        action: 'Resource added',
        scopeId: row.id,
        details: { kind: row.kind, parentId: row.parentId, source: 'manual' },
      });
      return tx.select().from(resources).where(eq(resources.id, row.id)).get()!;
    },
    { behavior: 'immediate' },
  );
}

/**
 * Import a JSON list (plain `{id, name, type, parentId}` or an Azure Resource Graph
 * export). Everything is validated first and then written in one transaction; the
 * report says what was added and why anything was skipped.
 */
export function importResources(db: Db, actor: Actor, json: string, now: number): ImportReport {
  return db.transaction(
    (tx) => {
      const index = policyIndex(tx);
      // the engine holds every resource: ids in the file are point lookups, not a copy of the table
      const existing = { has: (id: string) => index.resources.has(id), get: (id: string) => index.resources.get(id)?.fact.kind };
      let plan;
      try {
        plan = planImport(
          json,
          existing,
          (parentId) => canCreateUnder(index, actor.id, parentId, now),
          (id) => scopePathText(index, id),
        );
      } catch (e) {
        if (e instanceof ImportFormatError) throw new ElevateError('InvalidRequest', e.message, { fieldErrors: { file: [e.message] } });
        throw e;
      }
      const tenantId = tenantIdOf(tx)!;
      for (const r of plan.rows) {
        tx.insert(resources)
          .values({ ...r, tenantId, managed: false, createdAt: now })
          .run();
        // one event per resource, at its scope, so the resource audit of the scope above shows what was imported under it
        writeAudit(tx, {
          at: now,
          actor: who(actor),
          action: 'Resource added',
          scopeId: r.id,
          details: { kind: r.kind, parentId: r.parentId, source: 'import' },
        });
      }
      writeAudit(tx, {
        at: now,
        actor: who(actor),
        action: 'Resources imported',
        details: {
          added: plan.report.added.length,
          skipped: plan.report.skipped.length,
          ids: plan.report.added.slice(0, 200).map((a) => a.id),
        },
      });
      return plan.report;
    },
    { behavior: 'immediate' },
  );
}

export const kindLabel = (k: ResourceKind) =>
  ({ managementGroup: 'management group', subscription: 'subscription', resourceGroup: 'resource group', resource: 'resource' })[k];

/** May the actor manage PIM at the scope? For pages deciding between the page and the 403 page. */
export function canManage(db: DbOrTx, actorId: string, scopeId: string, now: number): boolean {
  return managementAccess(policyIndex(db), actorId, scopeId, now).allowed;
}
