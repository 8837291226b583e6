import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { freshDb } from '@/tests/support/db';
import * as s from '@/db/schema';
import { decide } from '@/lib/approvals';
import { rg, submitActivation, userRow } from '@/lib/approvals/test-support';
import { deliverOutbox, deliveryIdle } from './deliver';
import { notify } from './notify';
import { config } from '@/lib/config';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1, random port, that keeps every message it receives. */
async function startSmtp() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { received, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The Subject header, unfolded and with RFC 2047 encoded words (=?UTF-8?Q|B?…?=) decoded. */
function subjectOf(raw: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => /^Subject:/i.test(l)) ?? '';
  return line
    .replace(/^Subject:\s*/i, '')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m: string, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

/** Undo quoted-printable soft breaks so assertions read the text as sent. */
const body = (raw: string) =>
  Buffer.from(
    raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');

let env: ReturnType<typeof freshDb>;
let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
afterEach(async () => {
  await deliveryIdle();
  await smtp?.close();
  smtp = undefined;
  env?.close();
});

describe('deliverOutbox', () => {
  it('sends the approver mail and the denial through a real SMTP server, with the link to the request', async () => {
    env = freshDb();
    smtp = await startSmtp();
    const { db, ids, now } = env;
    await deliverOutbox(db, { smtpUrl: undefined }); // the seed queues nothing, but start clean
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    // the submission queued the approver's mail; the denial queues the requester's
    decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Deny', justification: 'Use finance-dev' }, now + 60_000);
    await deliveryIdle(); // the decision scheduled a delivery without SMTP: those mails went to the outbox
    db.update(s.emailOutbox).set({ status: 'queued' }).run();

    const handled = await deliverOutbox(db, { smtpUrl: smtp.url, from: 'elevate@bluewidget.test' });
    expect(handled).toBe(2);
    expect(smtp.received).toHaveLength(2);
    const toAvery = smtp.received.find((m) => m.to.includes('avery@bluewidget.test'))!;
    expect(toAvery.from).toBe('elevate@bluewidget.test');
    expect(subjectOf(toAvery.raw)).toBe('[Elevate] Jen asks for Owner on finance-prod');
    expect(body(toAvery.raw)).toContain(`${config().publicUrl}/approvals/${req.id}`);
    const toJen = smtp.received.find((m) => m.to.includes('jen@bluewidget.test'))!;
    expect(toJen.to).toEqual(['jen@bluewidget.test']);
    expect(subjectOf(toJen.raw)).toBe('[Elevate] Denied: Owner on Tenant › Blue Widget Co › finance-prod');
    expect(body(toJen.raw)).toContain('Use finance-dev');
    expect(body(toJen.raw)).toContain(`${config().publicUrl}/requests/${req.id}`);
    const rows = db.select().from(s.emailOutbox).all();
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1 && r.sentAt !== null)).toBe(true);
    expect(await deliverOutbox(db, { smtpUrl: smtp.url })).toBe(0);
  });

  it('without SMTP the mails land in the outbox for administrators', async () => {
    env = freshDb();
    const { db, ids, now } = env;
    notify(db, { userIds: [ids.jen], kind: 'x', title: 'Hello', link: '/requests/1' }, now, 'http://localhost:3000');
    expect(await deliverOutbox(db, { smtpUrl: undefined })).toBe(1);
    const [row] = db.select().from(s.emailOutbox).all();
    expect(row).toMatchObject({ status: 'outbox', to: 'jen@bluewidget.test', link: 'http://localhost:3000/requests/1' });
  });

  it('a mail server that is down marks the mail failed with the error and counts attempts', async () => {
    env = freshDb();
    const { db, ids, now } = env;
    notify(db, { userIds: [ids.jen], kind: 'x', title: 'Hello' }, now, 'http://localhost:3000');
    await deliverOutbox(db, { smtpUrl: 'smtp://127.0.0.1:1' });
    const [row] = db.select().from(s.emailOutbox).where(eq(s.emailOutbox.to, 'jen@bluewidget.test')).all();
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.error).toMatch(/ECONNREFUSED|connect/i);
  });
});
