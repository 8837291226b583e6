import 'server-only';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { assignmentSchedules, eligibilitySchedules, type AssignmentSchedule, type EligibilitySchedule } from '@/db/schema';
import { inWindow, scheduleStatus, type PrincipalRef, type ScheduleFact } from '@/lib/policy';
import { assignmentFact, eligibilityFact } from '@/db/mappers';
import { canSee, type ArmContext } from './context';
import { notFound } from './errors';
import { parseFilter } from './filter';
import { armJson } from './http';
import { assignmentScheduleToArm, eligibilityScheduleToArm } from './mappers';
import { page } from './paging';
import { principalFilterOk, scopeNarrowing, scopeOk } from './requests-read';

export type ScheduleKind = 'eligibility' | 'assignment';
export type ScheduleView = 'schedule' | 'instance';

const FIELDS = ['principalId', 'roleDefinitionId', 'status', 'assignmentType'];
const LABEL = {
  eligibility: { schedule: 'RoleEligibilitySchedule', instance: 'RoleEligibilityScheduleInstance' },
  assignment: { schedule: 'RoleAssignmentSchedule', instance: 'RoleAssignmentScheduleInstance' },
} as const;

type Row = EligibilitySchedule | AssignmentSchedule;
const factOf = (kind: ScheduleKind, r: Row): ScheduleFact => (kind === 'eligibility' ? eligibilityFact(r as EligibilitySchedule) : assignmentFact(r as AssignmentSchedule));

/**
 * Schedules are the assignments that are current or still to come (ARM drops ended ones);
 * instances are what holds right now. Both come from the same tables, read the same way.
 */
function current(kind: ScheduleKind, view: ScheduleView, r: Row, now: number): boolean {
  const f = factOf(kind, r);
  if (view === 'instance') return inWindow(f, now);
  const st = scheduleStatus(f, now);
  return st === 'Active' || st === 'Scheduled';
}

function toArm(ctx: ArmContext, kind: ScheduleKind, view: ScheduleView, r: Row) {
  return kind === 'eligibility' ? eligibilityScheduleToArm(ctx, r as EligibilitySchedule, view) : assignmentScheduleToArm(ctx, r as AssignmentSchedule, view);
}

export function listSchedules(ctx: ArmContext, kind: ScheduleKind, view: ScheduleView): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), FIELDS);
  const table = kind === 'eligibility' ? eligibilitySchedules : assignmentSchedules;
  const conds: SQL[] = [];
  const narrow = scopeNarrowing(ctx, table.scopeId, f);
  if (narrow) conds.push(narrow);
  const rows: Row[] = ctx.db.select().from(table).where(conds.length ? and(...conds) : undefined).orderBy(desc(table.startAt)).all();
  const assignmentType = f.eq.get('assignmenttype')?.toLowerCase();
  const status = f.eq.get('status')?.toLowerCase();
  const items = rows.filter((r) => {
    const principal: PrincipalRef = { type: r.principalType, id: r.principalId };
    if (!current(kind, view, r, ctx.now) || !scopeOk(ctx, f, r.scopeId) || !principalFilterOk(ctx, f, principal, r.roleId)) return false;
    if (assignmentType !== undefined) {
      const origin = 'origin' in r ? (r.origin === 'activated' ? 'activated' : 'assigned') : 'assigned';
      if (origin !== assignmentType) return false;
    }
    if (status !== undefined && status !== 'provisioned') return false;
    return canSee(ctx, { principal, scopeId: r.scopeId });
  });
  return armJson(page(items.map((r) => toArm(ctx, kind, view, r)), ctx.url, ctx.origin), 200);
}

export function getSchedule(ctx: ArmContext, kind: ScheduleKind, view: ScheduleView, name: string): Response {
  const table = kind === 'eligibility' ? eligibilitySchedules : assignmentSchedules;
  const r: Row | undefined = ctx.db.select().from(table).where(eq(table.id, name.toLowerCase())).get();
  const ok = r && r.scopeId === ctx.scope?.key && (view === 'schedule' || inWindow(factOf(kind, r), ctx.now))
    && canSee(ctx, { principal: { type: r.principalType, id: r.principalId }, scopeId: r.scopeId });
  if (!r || !ok) throw notFound(`${LABEL[kind][view]}NotFound`, `${LABEL[kind][view]} '${name}' was not found at ${ctx.scope?.armId ?? 'this scope'}.`);
  return armJson(toArm(ctx, kind, view, r), 200);
}
