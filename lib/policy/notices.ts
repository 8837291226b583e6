import { managersOf } from './access';
import type { PolicyIndex } from './tenant-index';
import type { Millis, RoleSettings } from './types';

/** Who hears of an activation, by the notification settings of its scope-role. */
export interface ActivationNotices {
  /** "Requester: activation": e-mail the person whose activation it is */
  requesterEmail: boolean;
  /** "Admins: activation": the scope's administrators (PIM management access), never the requester */
  adminUserIds: string[];
  /** the settings' additional recipients: they get the administrators' alert, by e-mail */
  extraEmails: string[];
}

/**
 * The notification settings for an activation (DESIGN.md: admin / requestor / approver ×
 * activation), decided here so the submission and the approval paths say the same. The
 * approver line is read where approval is asked (approverOnActivation).
 */
export function activationNotices(
  index: PolicyIndex,
  settings: RoleSettings,
  requesterId: string,
  scopeId: string,
  now: Millis,
): ActivationNotices {
  const n = settings.notifications;
  if (!n.adminOnActivation) return { requesterEmail: n.requestorOnActivation, adminUserIds: [], extraEmails: [] };
  const admins = managersOf(index, scopeId, now)
    .map((m) => m.userId)
    .filter((id) => id !== requesterId);
  return { requesterEmail: n.requestorOnActivation, adminUserIds: admins, extraEmails: [...n.additionalRecipients] };
}
