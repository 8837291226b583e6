import 'server-only';
import { getDb } from '@/db';
import type { DbOrTx } from '@/db/client';
import { csvCell } from '@/lib/audit/csv';
import { decodeCursor, type Seek } from '@/lib/portal/keyset';
import { ACCESS_KEY_SHAPE, accessList, resourceHoldersExport, type AccessRow, type HolderRow } from './service';

/**
 * The CSV exports of the access views. Cells go through the audit export's csvCell: RFC
 * 4180 quoting and a quote before = + - @ so a spreadsheet never runs a name as a formula.
 */

const iso = (at: number | null) => (at === null ? '' : new Date(at).toISOString());
const line = (cells: unknown[]) => cells.map(csvCell).join(',') + '\r\n';
/** Excel reads UTF-8 only with the byte order mark. */
const BOM = '\uFEFF';

export const USER_ACCESS_COLUMNS = [
  'role',
  'state',
  'scope',
  'scope id',
  'source',
  'origin',
  'start',
  'end',
  'activating at the scope',
] as const;
export const RESOURCE_ACCESS_COLUMNS = [
  'principal',
  'principal type',
  'role',
  'state',
  'why',
  'from scope id',
  'start',
  'end',
  'activating here',
] as const;

const userState = (r: AccessRow) => (r.status === 'Scheduled' ? 'Scheduled' : r.kind === 'active' ? 'Active' : 'Eligible');

function userLine(r: AccessRow): string {
  return line([
    r.roleName,
    userState(r),
    r.crumbs.map((c) => c.name).join(' › '),
    r.armId,
    r.source,
    r.origin,
    iso(r.startAt),
    r.endAt === null ? 'permanent' : iso(r.endAt),
    r.atScope ?? '',
  ]);
}

/** Every live role of the user (own and through groups), as the page lists them; authorizes like accessList. */
export function userAccessCsv(viewerId: string, userId: string, now: number, db: DbOrTx = getDb()): { name: string; csv: string } {
  let out = BOM + USER_ACCESS_COLUMNS.join(',') + '\r\n';
  let seek: Seek = {};
  let name = userId;
  for (;;) {
    const page = accessList(viewerId, userId, now, { seek, size: 500 }, db);
    name = page.user.displayName;
    for (const r of page.rows) out += userLine(r);
    const key = page.next ? decodeCursor(page.next, ACCESS_KEY_SHAPE) : null;
    if (!key) break;
    seek = { after: key };
  }
  return { name, csv: out };
}

function holderLine(h: HolderRow): string {
  const v = h.view;
  const state = v.status === 'Scheduled' ? 'Scheduled' : v.schedule.kind === 'active' ? 'Active' : 'Eligible';
  return line([
    v.principalName,
    h.principalType,
    v.roleName,
    state,
    h.why,
    v.fromScopeId,
    iso(v.schedule.startAt),
    v.schedule.endAt === null ? 'permanent' : iso(v.schedule.endAt),
    h.activation ?? '',
  ]);
}

/**
 * Who has access at the resource, streamed: the rows are read 500 at a time as the
 * response is pulled. Authorizes before the first byte; null for an unknown resource.
 */
export function resourceAccessCsv(
  viewerId: string,
  resourceId: string,
  now: number,
  db: DbOrTx = getDb(),
): { name: string; stream: ReadableStream<Uint8Array> } | null {
  const found = resourceHoldersExport(viewerId, resourceId, now, db);
  if (!found) return null;
  const rows = found.rows[Symbol.iterator]();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(BOM + RESOURCE_ACCESS_COLUMNS.join(',') + '\r\n'));
    },
    pull(controller) {
      let chunk = '';
      for (let i = 0; i < 500; i++) {
        const next = rows.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += holderLine(next.value);
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
  return { name: found.name, stream };
}

/** A file name part from a display name: letters, digits, dot, dash, underscore. */
export const fileLabel = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'export';
