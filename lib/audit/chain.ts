import crypto from 'node:crypto';

/** The fields covered by an audit event's hash, in a fixed order. */
export interface AuditContent {
  id: string;
  at: number;
  actorId: string | null;
  actorName: string;
  action: string;
  outcome: 'Success' | 'Failure';
  principalType: string | null;
  principalId: string | null;
  principalName: string | null;
  roleId: string | null;
  roleName: string | null;
  scopeId: string | null;
  requestId: string | null;
  justification: string | null;
  details: string;
}

export const GENESIS_HASH = '0'.repeat(64);

const FIELDS: (keyof AuditContent)[] = [
  'id',
  'at',
  'actorId',
  'actorName',
  'action',
  'outcome',
  'principalType',
  'principalId',
  'principalName',
  'roleId',
  'roleName',
  'scopeId',
  'requestId',
  'justification',
  'details',
];

/** sha256 over the previous hash and the event's fields; changing any field or the order breaks the chain. */
export function auditHash(prevHash: string, e: AuditContent): string {
  const h = crypto.createHash('sha256').update(prevHash);
  for (const f of FIELDS) h.update('\u0000' + f + '=' + (e[f] === null ? '\u0001' : String(e[f])));
  return h.digest('hex');
}

export interface ChainBreak {
  seq: number;
  id: string;
  problem: 'prev-hash-mismatch' | 'hash-mismatch';
}

/** Walks events in seq order and reports the first broken link, if any. */
export function verifyChain(rows: Iterable<AuditContent & { seq: number; prevHash: string; hash: string }>): {
  checked: number;
  firstBreak: ChainBreak | null;
} {
  let prev = GENESIS_HASH;
  let checked = 0;
  for (const r of rows) {
    checked++;
    if (r.prevHash !== prev) return { checked, firstBreak: { seq: r.seq, id: r.id, problem: 'prev-hash-mismatch' } };
    if (auditHash(r.prevHash, r) !== r.hash) return { checked, firstBreak: { seq: r.seq, id: r.id, problem: 'hash-mismatch' } };
    prev = r.hash;
  }
  return { checked, firstBreak: null };
}
