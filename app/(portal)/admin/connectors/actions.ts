'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { action } from '@/lib/auth/action';
import { config } from '@/lib/config';
import { getEncryptionKey } from '@/lib/crypto/secrets';
import { ElevateError, isElevateError } from '@/lib/errors';
import { EVENT_TYPES } from '@/lib/connectors/events';
import { CONNECTOR_ID, LOGIN_RULES } from '@/lib/connectors/spec';
import {
  addPortalBinding,
  connectorSecret,
  createPortalConnector,
  getConnector,
  removePortalBinding,
  removePortalConnector,
  requestFullReconcile,
  requireConnectorAdmin,
  resolveRoleKeys,
  setBindingMode,
  type Actor,
} from '@/lib/connectors/store';
import { testConnection } from '@/lib/connectors/test-connection';
import { newWebhookSecret } from '@/lib/connectors/webhook/secret';
import { checkWebhookUrl } from '@/lib/connectors/webhook/url-guard';
import { redeliver, resumeEndpoint } from '@/lib/connectors/webhook/dispatch';

/**
 * Admin › Connectors. Each action re-checks that the caller is a tenant PIM administrator
 * (in the service, or here before the webhook calls that do not), whatever page sent it.
 * Secrets arrive in fields named `secret`, which the action wrapper never echoes back.
 */
const refresh = () => revalidatePath('/admin/connectors', 'layout');

const connectorId = z.string().trim().regex(CONNECTOR_ID, 'Not a connector id.');
const bindingId = z.string().trim().min(1, 'Not a binding id.').max(200, 'Not a binding id.');
const many = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

const common = {
  id: z.string().trim().regex(CONNECTOR_ID, 'Use lower-case letters, digits and dashes, starting with a letter or digit (up to 63).'),
  displayName: z.string().trim().min(1, 'Give the connector a display name.').max(100, 'Use at most 100 characters.'),
};
const newConnector = z.discriminatedUnion(
  'type',
  [
    z.object({
      type: z.literal('postgresql'),
      ...common,
      secret: z
        .string()
        .trim()
        .max(2000, 'That connection string is too long.')
        .regex(/^postgres(ql)?:\/\/\S+$/i, 'Give a connection string like postgresql://elevate_connector:PASSWORD@host:5432/postgres.'),
      login: z.enum(LOGIN_RULES, { message: 'Choose how a user’s PostgreSQL login is found.' }),
      terminateSessions: z.preprocess((v) => v === 'on' || v === 'true', z.boolean()),
    }),
    z.object({
      type: z.literal('webhook'),
      ...common,
      url: z
        .string()
        .trim()
        .max(2000, 'That URL is too long.')
        .url('Give an http(s) URL.')
        .refine((u) => /^https?:\/\//i.test(u), 'Give an http(s) URL.'),
      events: z.preprocess(many, z.array(z.enum(EVENT_TYPES, { message: 'Not an event type.' })).min(1, 'Choose at least one event.')),
    }),
  ],
  { message: 'Choose PostgreSQL or Webhook.' },
);

export const createConnectorAction = action(
  newConnector,
  async (input, { user, now }) => {
    let secret: string;
    if (input.type === 'webhook') {
      // refused here, with the reason, rather than failing every delivery later
      const check = await checkWebhookUrl(input.url, { allowPrivate: config().connectors.allowPrivateWebhooks });
      if (!check.ok) throw new ElevateError('InvalidRequest', check.reason, { fieldErrors: { url: [check.reason] } });
      secret = newWebhookSecret();
    } else secret = input.secret;
    const options =
      input.type === 'webhook'
        ? { url: input.url, events: input.events }
        : { login: input.login, terminateSessions: input.terminateSessions };
    const c = createPortalConnector(
      getDb(),
      user,
      { id: input.id, displayName: input.displayName, type: input.type, options, secret },
      getEncryptionKey(),
      now,
    );
    refresh();
    // the signing secret goes back this once, for the receiver; a connection string never does
    return { id: c.id, name: c.displayName, type: c.type, signingSecret: c.type === 'webhook' ? secret : null };
  },
  { success: (r) => `Created ${r.name}.` },
);

/** PostgreSQL identifiers: 1–63 bytes, no NUL (the driver quotes them; longer ones PostgreSQL would shorten silently). */
const targetProblem = (t: string) =>
  !t
    ? 'Give a target for each role.'
    : Buffer.byteLength(t) > 63 || t.includes('\0')
      ? `${t.slice(0, 70)} is not a PostgreSQL role name (1–63 bytes).`
      : null;

export const addBindingAction = action(
  z.object({
    connectorId,
    // ARM ids are case-insensitive; the service stores the canonical lower-case id
    scope: z
      .string()
      .trim()
      .min(1, 'Give the resource id of a scope.')
      .max(1000, 'That resource id is too long.')
      .transform((s) => s.replace(/\/+$/, ''))
      .pipe(z.string().startsWith('/', 'Give a resource id starting with /, like /subscriptions/…/resourceGroups/finance-dev.')),
    mode: z.enum(['report', 'enforce'], { message: 'Choose report or enforce.' }),
    role: z.preprocess(many, z.array(z.string().trim().max(200)).max(50, 'Map at most 50 roles in one binding.')),
    target: z.preprocess(many, z.array(z.string().trim().max(200))),
  }),
  (input, { user, now }) => {
    const db = getDb();
    const pairs = input.role.map((role, i) => ({ role, target: input.target[i] ?? '' })).filter((p) => p.role || p.target);
    const problems: string[] = [];
    if (pairs.length === 0) problems.push('Map at least one role to a target.');
    if (pairs.some((p) => !p.role)) problems.push('Choose a role for each target.');
    for (const p of pairs) {
      const t = targetProblem(p.target);
      if (t) problems.push(t);
    }
    const dupes = pairs.map((p) => p.role).filter((r, i, all) => r && all.indexOf(r) !== i);
    if (dupes.length) problems.push('Each role maps to one target; a role is listed twice.');
    const { ids, unknown } = resolveRoleKeys(db, pairs.map((p) => p.role).filter(Boolean));
    if (unknown.length) problems.push(`Unknown role: ${unknown.join(', ')}.`);
    if (problems.length)
      throw new ElevateError('InvalidRequest', 'Check the role mapping.', { fieldErrors: { roles: [...new Set(problems)] } });
    const roles = new Map(pairs.map((p) => [ids.get(p.role)!, p.target]));
    addPortalBinding(db, user, input.connectorId, { scopeId: input.scope, mode: input.mode, roles }, now);
    refresh();
    return { roles: roles.size, mode: input.mode };
  },
  { success: (r) => `Binding added in ${r.mode} mode. The reconciler reads the target within seconds.` },
);

export const setBindingModeAction = action(
  z.object({ bindingId, mode: z.enum(['report', 'enforce'], { message: 'Choose report or enforce.' }) }),
  (input, { user, now }) => {
    setBindingMode(getDb(), user, input.bindingId, input.mode, now);
    refresh();
    return { mode: input.mode };
  },
  {
    success: (r) =>
      r.mode === 'enforce'
        ? 'The binding enforces now: access found outside Elevate is revoked at the next full reconcile.'
        : 'The binding reports now: access found outside Elevate is listed, not revoked.',
  },
);

export const removeBindingAction = action(
  z.object({ bindingId }),
  (input, { user, now }) => {
    removePortalBinding(getDb(), user, input.bindingId, now);
    refresh();
    return null;
  },
  { success: () => 'Binding removed. Elevate revokes what it granted through it, then forgets it.' },
);

/** Back to the list, which says what happens next: the connector's page is gone. */
export const removeConnectorAction = action(z.object({ connectorId }), (input, { user, now }) => {
  removePortalConnector(getDb(), user, input.connectorId, now);
  refresh();
  redirect(`/admin/connectors?removed=${encodeURIComponent(input.connectorId)}`);
});

export const reconcileNowAction = action(
  z.object({ connectorId }),
  (input, { user, now }) => {
    requestFullReconcile(getDb(), user, input.connectorId, now);
    refresh();
    return null;
  },
  { success: () => 'A full reconcile starts within seconds: Elevate reads each target and compares it with what it granted.' },
);

export const testConnectionAction = action(
  z.object({ connectorId }),
  async (input, { user, now }) => {
    const r = await testConnection(getDb(), user, input.connectorId, now);
    refresh(); // the test is audited
    return r;
  },
  { success: (r) => r.message },
);

/** The webhook calls of the dispatcher take no authorization of their own: checked here. */
function webhookFor(user: Actor, id: string) {
  const db = getDb();
  requireConnectorAdmin(db, user);
  const c = getConnector(db, id);
  if (!c || c.removedAt !== null) throw new ElevateError('NotFound', 'That connector does not exist.');
  if (c.type !== 'webhook') throw new ElevateError('InvalidRequest', `${c.id} is not a webhook.`);
  return { db, c };
}

export const resumeWebhookAction = action(
  z.object({ connectorId }),
  (input, { user, now }) => {
    const { db, c } = webhookFor(user, input.connectorId);
    resumeEndpoint(db, c.id, user, now);
    refresh();
    return null;
  },
  { success: () => 'Resumed: the waiting event is sent again now, then the ones behind it in order.' },
);

export const redeliverAction = action(
  z.object({ connectorId, deliveryId: z.coerce.number({ message: 'Not a delivery.' }).int('Not a delivery.').positive('Not a delivery.') }),
  async (input, { user, now }) => {
    const { db, c } = webhookFor(user, input.connectorId);
    const secret = connectorSecret(c, process.env, getEncryptionKey());
    try {
      const d = await redeliver(db, c.id, input.deliveryId, user, now, { secret, allowPrivate: config().connectors.allowPrivateWebhooks });
      refresh();
      return { outcome: d.outcome, statusCode: d.statusCode, error: d.error };
    } catch (e) {
      // the dispatcher's errors name the delivery or event that is missing: worth showing as they are
      if (isElevateError(e) || !(e instanceof Error)) throw e;
      throw new ElevateError('InvalidRequest', e.message);
    }
  },
  {
    success: (r) =>
      r.outcome === 'delivered'
        ? `Delivered again${r.statusCode ? `: HTTP ${r.statusCode}` : ''}.`
        : `Sent again and refused: ${r.error ?? 'no answer'}. The attempt is in the log.`,
  },
);
