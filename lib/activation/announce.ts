import 'server-only';
import type { Tx } from '@/db/client';
import { activationNotices, type ActivationNotices, type PolicyIndex, type RoleSettings } from '@/lib/policy';
import { notify } from '@/lib/notify/notify';
import { utcStamp } from '@/lib/notify/utc';
import { config } from '@/lib/config';
import { nameLookup } from '@/lib/resources/names';
import { scopeName } from './names';

export interface ActivationNews {
  requester: { id: string; name: string };
  roleId: string;
  scopeId: string;
  startAt: number;
  endAt: number;
  requestId: string;
}

/**
 * Tells of an activation that took effect, as its scope-role's notification settings say
 * (the engine's activationNotices): the scope's administrators in the app, the settings'
 * additional recipients by e-mail, and the requester by e-mail unless `requesterTold` (an
 * approval already told them, with the window granted). Inside the activation's transaction.
 */
export function announceActivation(
  tx: Tx,
  index: PolicyIndex,
  settings: RoleSettings,
  news: ActivationNews,
  now: number,
  opts: { requesterTold?: boolean } = {},
): ActivationNotices {
  const notices = activationNotices(index, settings, news.requester.id, news.scopeId, now);
  const names = nameLookup(index);
  const role = names.role(news.roleId);
  const window = `from ${utcStamp(news.startAt)} until ${utcStamp(news.endAt)}`;
  const publicUrl = config().publicUrl;
  if (notices.requesterEmail && !opts.requesterTold) {
    notify(
      tx,
      {
        userIds: [news.requester.id],
        kind: 'role-activated',
        requestId: news.requestId,
        link: `/requests/${news.requestId}`,
        inApp: false,
        title: `Activated: ${role} on ${scopeName(index, news.scopeId)}`,
        body: `Your activation of ${role} on ${names.scope(news.scopeId)} is active ${window}.`,
      },
      now,
      publicUrl,
    );
  }
  if (notices.adminUserIds.length || notices.extraEmails.length) {
    notify(
      tx,
      {
        userIds: notices.adminUserIds,
        kind: 'activation-admin',
        requestId: news.requestId,
        link: `/admin/scope?id=${encodeURIComponent(news.scopeId)}`,
        title: `${news.requester.name} activated ${role} on ${scopeName(index, news.scopeId)}`,
        body: `${news.requester.name} activated ${role} on ${names.scope(news.scopeId)}, active ${window}.`,
        email: false,
        extraEmails: notices.extraEmails,
      },
      now,
      publicUrl,
    );
  }
  return notices;
}
