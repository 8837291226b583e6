import { OWNER, CONTRIBUTOR, READER, USER_ACCESS_ADMINISTRATOR } from '@/db/builtin-roles';
import type { RoleSettings } from '@/lib/policy/types';
import { defaultSettingsFor } from '@/lib/policy/settings';
import { audit, DAY, DEFAULT, type Ctx, type Principal } from './model';
import type { ResourceRow } from './tree';

const ROLES = [OWNER, CONTRIBUTOR, READER, USER_ACCESS_ADMINISTRATOR];

/**
 * Explicit role settings for a realistic share of (scope, role) pairs: the privileged
 * roles of management groups and most subscriptions are locked down (approval, shorter
 * activations), a sprinkling of resource groups and resources have their own (so weaker
 * children exist, rule 9). Approvers are users, groups, the demo's Avery on some pairs,
 * or nobody named (then the PIM administrators approve).
 */
export function generateSettings(ctx: Ctx, count: number, approverPool: string[], avery: string) {
  const { r, tree } = ctx;
  const pairs: [ResourceRow, string][] = [];
  const seen = new Set<string>();
  const want = (res: ResourceRow, roleId: string) => {
    const key = `${res.id}|${roleId}`;
    if (pairs.length >= count || seen.has(key)) return;
    seen.add(key);
    pairs.push([res, roleId]);
  };
  for (const mg of tree.byKind.managementGroup) {
    want(mg, OWNER);
    if (r.chance(0.5)) want(mg, USER_ACCESS_ADMINISTRATOR);
  }
  for (const sub of tree.byKind.subscription) {
    if (r.chance(0.6)) want(sub, OWNER);
    if (r.chance(0.3)) want(sub, CONTRIBUTOR);
    if (r.chance(0.15)) want(sub, USER_ACCESS_ADMINISTRATOR);
  }
  const rgs = tree.byKind.resourceGroup,
    res = tree.byKind.resource;
  for (let guard = 0; pairs.length < count && guard < count * 10; guard++) {
    want(r.chance(0.7) || !res.length ? r.pick(rgs) : r.pick(res), r.pick(ROLES));
  }

  for (const [scope, roleId] of pairs) {
    const high = scope.kind === 'managementGroup' || scope.kind === 'subscription';
    const privileged = roleId !== READER;
    const approval = r.chance(high && privileged ? 0.8 : privileged ? 0.4 : 0.1);
    const approvers: Principal[] = [];
    if (approval && r.chance(0.85)) {
      for (let k = r.between(1, 3); k > 0; k--) {
        const p: Principal =
          r.chance(0.35) && ctx.groups.length ? { type: 'Group', id: r.pick(ctx.groups).id } : { type: 'User', id: r.pick(approverPool) };
        if (!approvers.some((a) => a.id === p.id)) approvers.push(p);
      }
      if (r.chance(0.1)) approvers.push({ type: 'User', id: avery });
    }
    const settings: RoleSettings = {
      // the role's own defaults first: approving Owner and User Access Administrator asks for MFA (rule 11)
      ...DEFAULT,
      approvalRequireMfa: defaultSettingsFor(roleId).approvalRequireMfa,
      activationMaxMinutes: r.pick(high ? [60, 120, 240, 480] : [60, 120, 240, 480, 480, 720, 1440]),
      activationRequireMfa: r.chance(0.9),
      activationRequireTicket: r.chance(privileged ? 0.3 : 0.05),
      approvalRequired: approval,
      approvers,
      approvalTimeoutMinutes: r.pick([240, 480, 1440, 1440, 2880]),
      eligiblePermanentAllowed: r.chance(high ? 0.1 : 0.3),
      eligibleMaxDays: r.pick([90, 180, 365, 365]),
      activePermanentAllowed: r.chance(0.1),
      activeMaxDays: r.pick([30, 90, 180, 180]),
    };
    const id = r.uuid();
    const updatedBy = r.pick(ctx.admins).id;
    const updatedAt = ctx.now - r.int(365) * DAY - r.int(DAY);
    const row = { id, scopeId: scope.id, roleId, settings, json: JSON.stringify(settings), updatedAt, updatedBy };
    ctx.sink.settings(row);
    ctx.settings.set(`${scope.id}|${roleId}`, row);
    for (const a of approvers) ctx.sink.settingApprover(id, a);
    audit(ctx, {
      at: updatedAt,
      actorId: updatedBy,
      action: 'Role settings updated',
      roleId,
      scopeId: scope.id,
      details: { approvalRequired: approval, approvers: approvers.map((a) => a.id), activationMaxMinutes: settings.activationMaxMinutes },
    });
  }
}
