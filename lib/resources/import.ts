import type { ResourceKind } from '@/lib/policy';
import { ArmIdError, armKey, parseArmId } from './arm-id';

export interface ImportReport {
  added: { id: string; name: string; kind: ResourceKind }[];
  skipped: { id: string; reason: string }[];
}

interface Row {
  id: string;
  armId: string;
  kind: ResourceKind;
  type: string;
  name: string;
  displayName: string;
  parentId: string | null;
}

const PARENT_OK: Record<ResourceKind, (ResourceKind | null)[]> = {
  managementGroup: ['managementGroup', null],
  subscription: ['managementGroup', null],
  resourceGroup: ['subscription'],
  resource: ['resourceGroup', 'resource'],
};

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** A plain list, an ARG export (`{data: [...]}` from `az graph query`), or a single object's `value` array. */
function itemsOf(json: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ImportFormatError('The file is not valid JSON.');
  }
  if (Array.isArray(parsed)) return parsed;
  if (parsed && typeof parsed === 'object') {
    const o = parsed as Record<string, unknown>;
    if (Array.isArray(o.data)) return o.data;
    if (Array.isArray(o.value)) return o.value;
  }
  throw new ImportFormatError('Expected a JSON array of resources, or an Azure Resource Graph export with a "data" array.');
}

export class ImportFormatError extends Error {}

/**
 * Pure planning of an import: parses every item, checks ids, duplicates, parent kinds
 * and authorization, and orders rows so parents are written before children. Items
 * whose parent is neither known nor in the file are skipped with the reason.
 */
export function planImport(
  json: string,
  existing: Pick<Map<string, ResourceKind>, 'has' | 'get'>,
  mayCreateUnder: (existingParentId: string | null) => boolean,
  pathText: (id: string) => string,
): { rows: Row[]; report: ImportReport } {
  const report: ImportReport = { added: [], skipped: [] };
  const candidates = new Map<string, Row>();
  itemsOf(json).forEach((raw, i) => {
    const item = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const rawId = str(item.id);
    const label = rawId ?? `item ${i + 1}`;
    if (!rawId) return report.skipped.push({ id: label, reason: 'No "id" given.' });
    let p;
    try {
      p = parseArmId(rawId);
    } catch (e) {
      return report.skipped.push({ id: rawId, reason: e instanceof ArmIdError ? e.message : 'Not a resource id.' });
    }
    const sub = str(item.subscriptionId);
    if (sub && p.subscriptionId && sub.toLowerCase() !== p.subscriptionId.toLowerCase()) {
      return report.skipped.push({ id: rawId, reason: `subscriptionId ${sub} does not match the id.` });
    }
    const rg = str(item.resourceGroup);
    if (rg && p.resourceGroup && rg.toLowerCase() !== p.resourceGroup.toLowerCase()) {
      return report.skipped.push({ id: rawId, reason: `resourceGroup ${rg} does not match the id.` });
    }
    if (existing.has(p.key)) return report.skipped.push({ id: rawId, reason: 'Already exists.' });
    if (candidates.has(p.key)) return report.skipped.push({ id: rawId, reason: 'Listed more than once in the file.' });
    const parentRaw = str(item.parentId) ?? p.parentArmId;
    const name = str(item.name) ?? p.name;
    candidates.set(p.key, {
      id: p.key,
      armId: p.armId,
      kind: p.kind,
      type: p.type,
      name: p.name,
      displayName: name,
      parentId: parentRaw ? armKey(parentRaw) : null,
    });
  });

  // Write parents before children; anything whose parent never appears is skipped.
  const accepted = new Map<string, Row>();
  const anchorOf = new Map<string, string | null>();
  let progress = true;
  const pending = new Map(candidates);
  while (progress && pending.size) {
    progress = false;
    for (const [key, row] of pending) {
      const pid = row.parentId;
      const parentKind = pid === null ? null : (existing.get(pid) ?? accepted.get(pid)?.kind);
      if (pid !== null && parentKind === undefined) {
        if (!pending.has(pid) || pid === key) {
          report.skipped.push({
            id: row.armId,
            reason: candidates.has(pid) ? `Its parent ${pid} was skipped.` : `Parent ${pid} is neither in Elevate nor in the file.`,
          });
          pending.delete(key);
        }
        continue;
      }
      pending.delete(key);
      progress = true;
      if (!PARENT_OK[row.kind].includes(parentKind ?? null)) {
        report.skipped.push({
          id: row.armId,
          reason: `A ${row.kind} cannot sit under ${parentKind ? `a ${parentKind}` : 'nothing (top level)'}.`,
        });
        continue;
      }
      // authorization is decided at the nearest ancestor that already exists
      const anchor = pid === null ? null : existing.has(pid) ? pid : anchorOf.get(pid)!;
      if (!mayCreateUnder(anchor)) {
        report.skipped.push({
          id: row.armId,
          reason: anchor
            ? `You do not have PIM management access on ${pathText(anchor)}.`
            : 'Only tenant PIM administrators can add top-level resources.',
        });
        continue;
      }
      anchorOf.set(key, anchor);
      accepted.set(key, row);
      report.added.push({ id: row.armId, name: row.displayName, kind: row.kind });
    }
  }
  for (const row of pending.values()) report.skipped.push({ id: row.armId, reason: `Parent ${row.parentId} could not be added.` });
  return { rows: [...accepted.values()], report };
}
