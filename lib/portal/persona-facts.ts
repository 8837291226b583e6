import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { isTenantPimAdmin, type PolicyIndex, type RequestFact } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { personaOf, type Persona, type PersonaFacts } from './persona';

/** More pending requests than this for one approver and the badge says "1000"; the queue pages the rest. */
const CANDIDATE_CAP = 1000;

/**
 * The two facts the persona needs that would otherwise mean walking every setting and
 * every pending request of the tenant, from indexed SQL: is the user (or a group of
 * theirs) named as an approver anywhere, and which pending requests might be theirs.
 */
export function personaFacts(db: DbOrTx, index: PolicyIndex, userId: string, now: number): PersonaFacts {
  const me = sql`SELECT ${userId} UNION ALL SELECT gm.group_id FROM group_members gm WHERE gm.user_id = ${userId}`;
  const namedApprover =
    db.get<{ one: number }>(sql`SELECT 1 AS one FROM role_setting_approvers WHERE principal_id IN (${me}) LIMIT 1`) !== undefined;
  const isPimAdmin = isTenantPimAdmin(index, userId);
  // pending requests naming the user or a group, or naming nobody (PIM administrators, or
  // the scope's administrators for self extend / renew); canDecide settles each
  const rows = db.all<{ id: string }>(sql`
    SELECT r.id AS id FROM requests r
     WHERE r.status = 'PendingApproval' AND (r.approval_deadline IS NULL OR r.approval_deadline > ${now})
       AND (EXISTS (SELECT 1 FROM request_approvers ra WHERE ra.request_id = r.id AND ra.principal_id IN (${me}))
            OR (NOT EXISTS (SELECT 1 FROM request_approvers ra WHERE ra.request_id = r.id)
                AND (${isPimAdmin ? 1 : 0} = 1 OR r.request_type IN ('SelfExtend', 'SelfRenew'))))
     LIMIT ${CANDIDATE_CAP}`);
  const candidates: RequestFact[] = [];
  for (const r of rows) {
    const fact = index.requests.get(r.id);
    if (fact) candidates.push(fact);
  }
  return { namedApprover, candidates };
}

/** personaOf with its facts from SQL: what portal pages should call. */
export function personaFor(db: DbOrTx, userId: string, now: number, index: PolicyIndex = policyIndex(db)): Persona {
  return personaOf(index, userId, now, personaFacts(db, index, userId, now));
}
