import 'server-only';
import nodemailer from 'nodemailer';
import { and, asc, eq, inArray, lt, or } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { emailOutbox, type EmailOutboxRow } from '@/db/schema';
import { config } from '@/lib/config';

/** After this many failed attempts a mail stays 'failed' for an administrator to read in the outbox. */
export const MAX_ATTEMPTS = 5;
const BATCH = 50;

export interface DeliverOptions {
  /** SMTP URL (smtp://user:pass@host:port); undefined = no mail server, mails stay in the outbox */
  smtpUrl?: string;
  from?: string;
  now?: () => number;
}

function defaults(): Required<Pick<DeliverOptions, 'from'>> & DeliverOptions {
  const c = config();
  return { smtpUrl: c.smtpUrl, from: c.mailFrom, now: Date.now };
}

/**
 * Delivers queued mails (and retries failed ones). With SMTP configured each mail is sent
 * through nodemailer and marked 'sent' or 'failed' (error and attempts kept); without it
 * mails are marked 'outbox', which administrators read in the portal, so the demo needs
 * no mail server. Returns how many mails it handled. Rows are claimed one by one with a
 * conditional update, so two runs (two processes) never send the same mail twice.
 */
export async function deliverOutbox(db: Db, opts: DeliverOptions = {}): Promise<number> {
  const o = { ...defaults(), ...opts };
  const now = o.now ?? Date.now;
  const due = db
    .select()
    .from(emailOutbox)
    .where(or(eq(emailOutbox.status, 'queued'), and(eq(emailOutbox.status, 'failed'), lt(emailOutbox.attempts, MAX_ATTEMPTS))))
    .orderBy(asc(emailOutbox.createdAt))
    .limit(BATCH)
    .all();
  if (!due.length) return 0;
  if (!o.smtpUrl) {
    db.update(emailOutbox)
      .set({ status: 'outbox' })
      .where(
        and(
          inArray(
            emailOutbox.id,
            due.map((m) => m.id),
          ),
          eq(emailOutbox.status, 'queued'),
        ),
      )
      .run();
    return due.filter((m) => m.status === 'queued').length;
  }
  const transport = nodemailer.createTransport(o.smtpUrl);
  let handled = 0;
  try {
    for (const mail of due) {
      if (!claim(db, mail)) continue;
      handled++;
      try {
        await transport.sendMail({
          from: o.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html ? { html: mail.html } : {}),
        });
        db.update(emailOutbox).set({ status: 'sent', sentAt: now(), error: null }).where(eq(emailOutbox.id, mail.id)).run();
      } catch (e) {
        db.update(emailOutbox)
          .set({ status: 'failed', error: e instanceof Error ? e.message.slice(0, 500) : String(e) })
          .where(eq(emailOutbox.id, mail.id))
          .run();
      }
    }
  } finally {
    transport.close();
  }
  return handled;
}

/** Counts the attempt and takes the row only if nobody else did (status and attempts unchanged). */
function claim(db: Db, mail: EmailOutboxRow): boolean {
  const r = db
    .update(emailOutbox)
    .set({ attempts: mail.attempts + 1, status: 'failed', error: 'sending' })
    .where(and(eq(emailOutbox.id, mail.id), eq(emailOutbox.status, mail.status), eq(emailOutbox.attempts, mail.attempts)))
    .run();
  return r.changes === 1;
}

let running: Promise<unknown> | null = null;
let again = false;

/**
 * Services call this after their transaction commits. Fire-and-forget: delivery runs on
 * a later tick, failures are logged and kept on the row, and nothing is thrown into the
 * request that caused the mail.
 */
export function scheduleDelivery(db: Db, opts?: DeliverOptions): void {
  if (running) {
    again = true;
    return;
  }
  const run = async () => {
    do {
      again = false;
      await deliverOutbox(db, opts);
    } while (again);
  };
  running = new Promise<void>((resolve) => setImmediate(resolve))
    .then(run)
    .catch((e) => console.error('[elevate] e-mail delivery failed', e instanceof Error ? e.message : e))
    .finally(() => {
      running = null;
    });
}

/** For tests and shutdown: resolves when the scheduled delivery (if any) has finished. */
export function deliveryIdle(): Promise<unknown> {
  return running ?? Promise.resolve();
}
