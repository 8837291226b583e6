import 'server-only';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import {
  assignmentSchedules,
  eligibilitySchedules,
  groups,
  resources,
  roleDefinitions,
  users,
  type AssignmentSchedule,
  type EligibilitySchedule,
} from '@/db/schema';
import { inWindow, type ScheduleFact } from '@/lib/policy';
import { assignmentFact, eligibilityFact } from '@/db/mappers';
import { canSee, isMe, principalKey, type ArmContext, type PrincipalInfo, type ScopeInfo } from './context';
import { notFound } from './errors';
import { parseFilter } from './filter';
import { armJson } from './http';
import { findPage, inOrder, TABLES } from './list-sql';
import { frameOfCall, principalTerms, visibility } from './list-terms';
import { assignmentScheduleToArm, eligibilityScheduleToArm } from './mappers';
import { keysetPage, pageRequest } from './paging';
import { roleIdFrom } from './path';
import { principalIsMine, viewerOf } from './viewer';

export type ScheduleKind = 'eligibility' | 'assignment';
export type ScheduleView = 'schedule' | 'instance';

const FIELDS = ['principalId', 'roleDefinitionId', 'status', 'assignmentType'];
const LABEL = {
  eligibility: { schedule: 'RoleEligibilitySchedule', instance: 'RoleEligibilityScheduleInstance' },
  assignment: { schedule: 'RoleAssignmentSchedule', instance: 'RoleAssignmentScheduleInstance' },
} as const;

type Row = EligibilitySchedule | AssignmentSchedule;
const factOf = (kind: ScheduleKind, r: Row): ScheduleFact =>
  kind === 'eligibility' ? eligibilityFact(r as EligibilitySchedule) : assignmentFact(r as AssignmentSchedule);

/**
 * Schedules are the assignments that are current or still to come (ARM drops ended ones);
 * instances are what holds right now. Both come from the same tables, derived from the
 * timestamps and `now` exactly as scheduleStatus / inWindow derive them.
 */
function timeWindow(view: ScheduleView, now: number): SQL {
  return view === 'instance'
    ? sql`t.start_at <= ${now} AND (t.end_at IS NULL OR t.end_at > ${now}) AND (t.revoked_at IS NULL OR t.revoked_at > ${now})`
    : sql`(t.revoked_at IS NULL OR t.revoked_at > ${now}) AND (t.start_at > ${now} OR t.end_at IS NULL OR t.end_at > ${now})`;
}

function toArm(ctx: ArmContext, kind: ScheduleKind, view: ScheduleView, r: Row) {
  return kind === 'eligibility'
    ? eligibilityScheduleToArm(ctx, r as EligibilitySchedule, view)
    : assignmentScheduleToArm(ctx, r as AssignmentSchedule, view);
}

/** The `$filter` comparisons as SQL terms, or null when they leave nothing to list. */
function filterTerms(kind: ScheduleKind, eq: Map<string, string>): SQL[] | null {
  const out: SQL[] = [];
  // ARM reports every current schedule as Provisioned
  const status = eq.get('status');
  if (status !== undefined && status.toLowerCase() !== 'provisioned') return null;
  const type = eq.get('assignmenttype')?.toLowerCase();
  if (type !== undefined) {
    if (type !== 'assigned' && type !== 'activated') return null;
    if (kind === 'eligibility') {
      if (type !== 'assigned') return null;
    } else {
      out.push(type === 'activated' ? sql`t.origin = 'activated'` : sql`t.origin <> 'activated'`);
    }
  }
  const rid = eq.get('roledefinitionid');
  if (rid !== undefined) out.push(sql`t.role_id = ${roleIdFrom(rid)}`);
  return out;
}

export function listSchedules(ctx: ArmContext, kind: ScheduleKind, view: ScheduleView): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), FIELDS);
  const req = pageRequest(ctx, ['number', 'string']);
  const terms = filterTerms(kind, f.eq);
  if (!terms) return armJson({ value: [] }, 200);
  const frame = frameOfCall(ctx);
  const narrow = principalTerms(ctx, f);
  const found = findPage(ctx, {
    table: TABLES[kind],
    frame,
    atScope: f.atScope,
    where: [timeWindow(view, ctx.now), ...terms],
    ...(narrow ? { drives: [{ where: narrow }] } : {}),
    visible: visibility(ctx, frame, f.atScope, principalIsMine('t', viewerOf(ctx)), f.asTarget),
    after: req.after as [number, string] | null,
    limit: req.top + 1,
  });
  return armJson(
    keysetPage(
      ctx,
      req,
      found,
      (r) => [r.createdAt, r.id],
      (served) => {
        const rows = loadSchedules(
          ctx,
          kind,
          served.map((r) => r.id),
        );
        // the engine's word on each row served (own rows need none): SQL already kept only these
        return rows
          .filter((r) => isMe(ctx, { type: r.principalType, id: r.principalId }) || ctx.canManage(r.scopeId))
          .map((r) => toArm(ctx, kind, view, r));
      },
    ),
    200,
  );
}

const names = {
  scope: { armId: resources.armId, name: resources.displayName, kind: resources.kind, path: resources.path },
  userName: users.displayName,
  userEmail: users.email,
  groupName: groups.name,
  roleName: roleDefinitions.name,
};

/**
 * The page's rows with what their ARM shape shows (scope, principal and role names, the
 * linked eligibility's scope), in one query, handed to the context so mapping costs none.
 */
function loadSchedules(ctx: ArmContext, kind: ScheduleKind, ids: string[]): Row[] {
  if (ids.length === 0) return [];
  if (kind === 'eligibility') {
    const t = eligibilitySchedules;
    const rows = ctx.db
      .select({ row: t, ...names })
      .from(t)
      .innerJoin(resources, eq(resources.id, t.scopeId))
      .leftJoin(users, and(eq(t.principalType, 'User'), eq(users.id, t.principalId)))
      .leftJoin(groups, and(eq(t.principalType, 'Group'), eq(groups.id, t.principalId)))
      .leftJoin(roleDefinitions, eq(roleDefinitions.id, t.roleId))
      .where(inArray(t.id, ids))
      .all();
    rememberNames(ctx, rows);
    return inOrder(
      ids,
      rows.map((r) => r.row),
    );
  }
  const t = assignmentSchedules;
  const linked = alias(eligibilitySchedules, 'linked');
  const linkedScope = alias(resources, 'linked_scope');
  const rows = ctx.db
    .select({
      row: t,
      ...names,
      linkedScopeId: linked.scopeId,
      linkedScope: { armId: linkedScope.armId, name: linkedScope.displayName, kind: linkedScope.kind, path: linkedScope.path },
    })
    .from(t)
    .innerJoin(resources, eq(resources.id, t.scopeId))
    .leftJoin(users, and(eq(t.principalType, 'User'), eq(users.id, t.principalId)))
    .leftJoin(groups, and(eq(t.principalType, 'Group'), eq(groups.id, t.principalId)))
    .leftJoin(roleDefinitions, eq(roleDefinitions.id, t.roleId))
    .leftJoin(linked, eq(linked.id, t.linkedEligibilityId))
    .leftJoin(linkedScope, eq(linkedScope.id, linked.scopeId))
    .where(inArray(t.id, ids))
    .all();
  rememberNames(ctx, rows);
  const withLink = rows.flatMap((r) =>
    r.row.linkedEligibilityId && r.linkedScopeId && r.linkedScope
      ? [{ id: r.row.linkedEligibilityId, scopeId: r.linkedScopeId, scope: r.linkedScope }]
      : [],
  );
  ctx.remember({ eligibilityScopes: withLink.map((l) => [l.id, l.scopeId]), scopes: withLink.map((l) => [l.scopeId, l.scope]) });
  return inOrder(
    ids,
    rows.map((r) => r.row),
  );
}

export interface Loaded {
  row: { id: string; principalType: 'User' | 'Group'; principalId: string; roleId: string; scopeId: string };
  scope: ScopeInfo;
  userName: string | null;
  userEmail: string | null;
  groupName: string | null;
  roleName: string | null;
}

/** Hands the names read with a page's rows to the context (see ArmContext.remember). */
export function rememberNames(ctx: ArmContext, rows: Loaded[]): void {
  ctx.remember({
    scopes: rows.map((r) => [r.row.scopeId, r.scope]),
    principals: rows.map((r): [string, PrincipalInfo] => [
      principalKey({ type: r.row.principalType, id: r.row.principalId }),
      r.row.principalType === 'User' ? { displayName: r.userName, email: r.userEmail } : { displayName: r.groupName, email: null },
    ]),
    roles: rows.flatMap((r) => (r.roleName === null ? [] : [[r.row.roleId, r.roleName] as [string, string]])),
  });
}

export function getSchedule(ctx: ArmContext, kind: ScheduleKind, view: ScheduleView, name: string): Response {
  const table = kind === 'eligibility' ? eligibilitySchedules : assignmentSchedules;
  const r: Row | undefined = ctx.db.select().from(table).where(eq(table.id, name.toLowerCase())).get();
  const ok =
    r &&
    r.scopeId === ctx.scope?.key &&
    (view === 'schedule' || inWindow(factOf(kind, r), ctx.now)) &&
    canSee(ctx, { principal: { type: r.principalType, id: r.principalId }, scopeId: r.scopeId });
  if (!r || !ok)
    throw notFound(`${LABEL[kind][view]}NotFound`, `${LABEL[kind][view]} '${name}' was not found at ${ctx.scope?.armId ?? 'this scope'}.`);
  return armJson(toArm(ctx, kind, view, r), 200);
}
