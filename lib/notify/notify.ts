import 'server-only';
import crypto from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { notifications, emailOutbox, users } from '@/db/schema';

export interface NotifyInput {
  userIds: string[];
  /** e.g. 'approval-requested', 'request-approved', 'request-denied', 'request-timed-out', 'activation-ending' */
  kind: string;
  title: string;
  body?: string;
  /** portal path, e.g. /approvals/{requestId}; e-mails carry it as an absolute link */
  link?: string;
  requestId?: string;
  /** also e-mail them (default true) */
  email?: boolean;
  /** record an in-app notification too (default true); false = e-mail only, for news the page already shows */
  inApp?: boolean;
  /**
   * Settings' additional recipients: plain addresses that get the e-mail only (they may
   * not be Elevate users, so there is no in-app notification for them).
   */
  extraEmails?: string[];
}

/**
 * Records in-app notifications and queues e-mails inside the caller's transaction, so a
 * change and the news of it commit together. Delivery (SMTP, or the outbox that admins
 * read when no SMTP is configured) happens after commit: see lib/notify/deliver.ts.
 */
export function notify(tx: DbOrTx, input: NotifyInput, now: number, publicUrl: string): void {
  const ids = [...new Set(input.userIds)];
  const mailed = new Set<string>();
  const link = input.link ? publicUrl + input.link : null;
  const mail = (to: string) => {
    if (mailed.has(to.toLowerCase())) return;
    mailed.add(to.toLowerCase());
    tx.insert(emailOutbox)
      .values({
        id: crypto.randomUUID(),
        to,
        subject: `[Elevate] ${input.title}`,
        text: [input.body ?? '', link ? `\nOpen in Elevate: ${link}` : ''].join('\n').trim(),
        link,
        requestId: input.requestId ?? null,
        status: 'queued',
        createdAt: now,
      })
      .run();
  };
  const recipients = ids.length
    ? tx.select({ id: users.id, email: users.email, disabled: users.disabled }).from(users).where(inArray(users.id, ids)).all()
    : [];
  for (const r of recipients) {
    if (r.disabled) continue;
    if (input.inApp !== false) {
      tx.insert(notifications)
        .values({
          id: crypto.randomUUID(),
          userId: r.id,
          kind: input.kind,
          title: input.title,
          body: input.body ?? '',
          link: input.link ?? null,
          requestId: input.requestId ?? null,
          createdAt: now,
        })
        .run();
    }
    if (input.email !== false) mail(r.email);
  }
  for (const to of input.extraEmails ?? []) mail(to);
}
