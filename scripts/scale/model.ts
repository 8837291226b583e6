import type { AuditContent } from '@/lib/audit/chain';
import type { RoleSettings } from '@/lib/policy/types';
import { BUILTIN_ROLES } from '@/db/builtin-roles';
import { DEFAULT_SETTINGS } from '@/lib/policy/constants';
import type { Rng } from './random';
import type { Tree } from './tree';
import type { GroupRow, UserRow } from './people';

/** Rows the generator produces, one interface per table, columns in camelCase. */

export type Principal = { type: 'User' | 'Group'; id: string };

export interface SettingsRow {
  id: string;
  scopeId: string;
  roleId: string;
  settings: RoleSettings;
  /** JSON of `settings`, computed once: admin requests snapshot it */
  json: string;
  updatedAt: number;
  updatedBy: string;
}

export interface ScheduleRow {
  id: string;
  principalType: 'User' | 'Group';
  principalId: string;
  roleId: string;
  scopeId: string;
  startAt: number;
  endAt: number | null;
  createdAt: number;
  createdBy: string | null;
  requestId: string | null;
  updatedAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
  /** assignment schedules only (null for eligible ones) */
  origin: 'assigned' | 'activated' | null;
  linkedEligibilityId: string | null;
}

export interface RequestRow {
  id: string;
  kind: 'eligibility' | 'assignment';
  requestType: 'AdminAssign' | 'AdminRemove' | 'SelfActivate' | 'SelfDeactivate';
  status: 'PendingApproval' | 'Provisioned' | 'Denied' | 'Canceled' | 'TimedOut';
  requesterId: string;
  principalType: 'User' | 'Group';
  principalId: string;
  roleId: string;
  scopeId: string;
  justification: string | null;
  ticketNumber: string | null;
  ticketSystem: string | null;
  startAt: number;
  endAt: number | null;
  durationMinutes: number | null;
  mfaVerifiedAt: number | null;
  approvalRequired: boolean;
  approvalDeadline: number | null;
  settingsSnapshot: string | null;
  linkedEligibilityId: string | null;
  targetScheduleId: string | null;
  createdAt: number;
  completedAt: number | null;
  canceledAt: number | null;
  canceledBy: string | null;
  channel: 'portal' | 'api';
}

export interface DecisionRow {
  id: string;
  requestId: string;
  approverId: string;
  decision: 'Approve' | 'Deny';
  justification: string | null;
  decidedAt: number;
}

/**
 * Where finished rows go: straight into SQL as they are made (scripts/scale/write.ts), so
 * the hundreds of thousands of requests and schedules are not all kept in memory (a
 * large heap of young objects makes every garbage collection expensive). A row is
 * handed over only once it is final.
 */
export interface Sink {
  settings(row: SettingsRow): void;
  settingApprover(settingsId: string, p: Principal): void;
  eligibility(row: ScheduleRow): void;
  assignment(row: ScheduleRow): void;
  request(row: RequestRow): void;
  requestApprover(requestId: string, p: Principal): void;
  decision(row: DecisionRow): void;
}

export interface Ctx {
  r: Rng;
  now: number;
  tree: Tree;
  users: UserRow[];
  groups: GroupRow[];
  /** who approves when settings name no approver: every tenant PIM administrator, the demo's Steve included */
  pimAdminIds: string[];
  /** generated PIM administrators: the actors of admin requests and settings changes */
  admins: UserRow[];
  names: Map<string, string>;
  disabled: Set<string>;
  groupById: Map<string, GroupRow>;
  /** explicit settings by `${scopeId}|${roleId}` */
  settings: Map<string, SettingsRow>;
  defaultJson: string;
  sink: Sink;
  /** kept until the end: the hash chain is written in time order */
  audit: AuditContent[];
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const ROLE_NAMES = new Map<string, string>(BUILTIN_ROLES.map((r) => [r.id, r.name]));

const JUSTIFICATIONS = [
  'Quarterly release deployment',
  'Investigating incident',
  'Scheduled maintenance window',
  'Patching virtual machines',
  'Database failover test',
  'Access review follow-up',
  'Onboarding to the team',
  'Cost analysis for FinOps review',
  'Rotating secrets in Key Vault',
  'Troubleshooting a failed deployment',
  'Audit evidence collection',
  'Migration of workloads',
  'On-call rotation',
  'Restoring a backup',
  'Network change (firewall rules)',
  'Project kickoff',
];
export const justification = (r: Rng) => r.pick(JUSTIFICATIONS);
export const ticket = (r: Rng) => ({ ticketNumber: `CHG${String(r.int(1_000_000)).padStart(7, '0')}`, ticketSystem: 'ServiceNow' });

export function principalName(ctx: Ctx, p: Principal): string | null {
  return p.type === 'User' ? (ctx.names.get(p.id) ?? null) : (ctx.groupById.get(p.id)?.name ?? null);
}

export interface AuditSubject {
  principal?: Principal | null;
  roleId?: string | null;
  scopeId?: string | null;
  requestId?: string | null;
  justification?: string | null;
}

/**
 * An audit event as the services would write it (lib/audit/write.ts); chained in time
 * order at insert. `subject` holds what several events of one request share; fields of
 * `e` win over it.
 */
export function audit(
  ctx: Ctx,
  e: AuditSubject & {
    at: number;
    actorId: string | null;
    actorName?: string;
    action: string;
    outcome?: 'Success' | 'Failure';
    details?: Record<string, unknown>;
  },
  subject: AuditSubject = {},
): void {
  const principal = e.principal ?? subject.principal ?? null;
  const roleId = e.roleId ?? subject.roleId ?? null;
  ctx.audit.push({
    id: ctx.r.uuid(),
    at: e.at,
    actorId: e.actorId,
    actorName: e.actorName ?? (e.actorId ? (ctx.names.get(e.actorId) ?? 'Unknown user') : 'Elevate'),
    action: e.action,
    outcome: e.outcome ?? 'Success',
    principalType: principal?.type ?? null,
    principalId: principal?.id ?? null,
    principalName: principal ? principalName(ctx, principal) : null,
    roleId,
    roleName: roleId ? (ROLE_NAMES.get(roleId) ?? null) : null,
    scopeId: e.scopeId ?? subject.scopeId ?? null,
    requestId: e.requestId ?? subject.requestId ?? null,
    justification: ('justification' in e ? e.justification : subject.justification) ?? null,
    details: JSON.stringify(e.details ?? {}),
  });
}

/** An admin who may act for this principal: never the principal itself or one of its members (rule 10). */
export function adminFor(ctx: Ctx, p: Principal): string {
  for (let i = 0; i < 8; i++) {
    const a = ctx.r.pick(ctx.admins).id;
    if (p.type === 'User' ? a !== p.id : !ctx.groupById.get(p.id)!.memberIds.includes(a)) return a;
  }
  return ctx.admins.find((a) => a.id !== p.id)!.id;
}

export function governing(ctx: Ctx, scopeId: string, roleId: string): { row: SettingsRow | null; settings: RoleSettings; json: string } {
  const row = ctx.settings.get(`${scopeId}|${roleId}`) ?? null;
  return row ? { row, settings: row.settings, json: row.json } : { row: null, settings: DEFAULT, json: ctx.defaultJson };
}

export const DEFAULT: RoleSettings = DEFAULT_SETTINGS;

/** The approvers a request captures: those named in the settings or, when none are named, the tenant PIM administrators. */
export function capturedApprovers(ctx: Ctx, named: Principal[]): Principal[] {
  return named.length ? named : ctx.pimAdminIds.map((id) => ({ type: 'User' as const, id }));
}

/** One user who may decide: a captured approver (a group's member for a group), never the requester or a disabled account. */
export function decider(ctx: Ctx, captured: Principal[], requesterId: string): string | null {
  const ok = (id: string) => id !== requesterId && !ctx.disabled.has(id);
  for (let i = 0; i < 6; i++) {
    const a = ctx.r.pick(captured);
    const members = a.type === 'Group' ? (ctx.groupById.get(a.id)?.memberIds ?? []) : [];
    const id = a.type === 'User' ? a.id : members.length ? ctx.r.pick(members) : null;
    if (id && ok(id)) return id;
  }
  for (const a of captured) {
    if (a.type === 'User' && ok(a.id)) return a.id;
    if (a.type === 'Group') for (const m of ctx.groupById.get(a.id)?.memberIds ?? []) if (ok(m)) return m;
  }
  return null;
}

type RequestFields = Pick<
  RequestRow,
  | 'id'
  | 'kind'
  | 'requestType'
  | 'status'
  | 'requesterId'
  | 'principalType'
  | 'principalId'
  | 'roleId'
  | 'scopeId'
  | 'startAt'
  | 'createdAt'
> &
  Partial<RequestRow>;

/**
 * A request row with every column, always built in the same property order: V8 keeps
 * one object shape for 200k rows (object spread with overrides falls back to slow
 * dictionary objects, ~50 µs each).
 */
export function request(f: RequestFields): RequestRow {
  return {
    id: f.id,
    kind: f.kind,
    requestType: f.requestType,
    status: f.status,
    requesterId: f.requesterId,
    principalType: f.principalType,
    principalId: f.principalId,
    roleId: f.roleId,
    scopeId: f.scopeId,
    justification: f.justification ?? null,
    ticketNumber: f.ticketNumber ?? null,
    ticketSystem: f.ticketSystem ?? null,
    startAt: f.startAt,
    endAt: f.endAt ?? null,
    durationMinutes: f.durationMinutes ?? null,
    mfaVerifiedAt: f.mfaVerifiedAt ?? null,
    approvalRequired: f.approvalRequired ?? false,
    approvalDeadline: f.approvalDeadline ?? null,
    settingsSnapshot: f.settingsSnapshot ?? null,
    linkedEligibilityId: f.linkedEligibilityId ?? null,
    targetScheduleId: f.targetScheduleId ?? null,
    createdAt: f.createdAt,
    completedAt: f.completedAt ?? null,
    canceledAt: f.canceledAt ?? null,
    canceledBy: f.canceledBy ?? null,
    channel: f.channel ?? 'portal',
  };
}
