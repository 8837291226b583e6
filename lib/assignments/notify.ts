import 'server-only';
import type { Tx } from '@/db/client';
import { managersOf, type PolicyIndex, type RoleSettings } from '@/lib/policy';
import { notify } from '@/lib/notify/notify';
import { config } from '@/lib/config';
import { scopePathText } from '@/lib/portal/scope-path';
import type { AdminRequestInput } from './index';

const VERB: Record<AdminRequestInput['requestType'], string> = {
  AdminAssign: 'You were made',
  AdminUpdate: 'Your assignment changed:',
  AdminExtend: 'Your assignment was extended:',
  AdminRenew: 'Your assignment was renewed:',
  AdminRemove: 'Your assignment was removed:',
};

/**
 * Tells the principal (a group's members) and the scope's other administrators, as the
 * settings' notification flags say. Runs inside the change's transaction.
 */
export function notifyAssignment(
  tx: Tx,
  index: PolicyIndex,
  actor: { id: string; displayName: string },
  input: AdminRequestInput,
  scopeId: string,
  settings: RoleSettings,
  requestId: string,
  now: number,
) {
  const n = settings.notifications;
  const eligible = input.kind === 'eligible';
  const role = index.roles.get(input.roleId)?.name ?? input.roleId;
  const where = scopePathText(index, scopeId);
  const what = `${eligible ? 'eligible' : 'active'} ${role} on ${where}`;
  const publicUrl = config().publicUrl;
  const principals = input.principal.type === 'User' ? [input.principal.id] : (index.groups.get(input.principal.id)?.memberIds ?? []);
  if (eligible ? n.requestorOnEligibleAssignment : n.requestorOnActiveAssignment) {
    notify(
      tx,
      {
        userIds: principals.filter((id) => id !== actor.id),
        kind: `assignment-${input.requestType.slice(5).toLowerCase()}`,
        title: `${VERB[input.requestType]} ${what}`,
        body: `${actor.displayName} made this change.${input.justification ? ` Justification: ${input.justification}` : ''}`,
        link: '/my-roles',
        requestId,
      },
      now,
      publicUrl,
    );
  }
  if (eligible ? n.adminOnEligibleAssignment : n.adminOnActiveAssignment) {
    const admins = managersOf(index, scopeId, now)
      .map((m) => m.userId)
      .filter((id) => id !== actor.id && !principals.includes(id));
    // the settings' additional recipients get the administrators' alert by e-mail
    notify(
      tx,
      {
        userIds: admins,
        kind: 'assignment-admin',
        title: `${actor.displayName}: ${input.requestType.slice(5).toLowerCase()} ${what}`,
        link: `/admin/scope?id=${encodeURIComponent(scopeId)}`,
        requestId,
        email: false,
        extraEmails: n.additionalRecipients,
      },
      now,
      publicUrl,
    );
  }
}
