import { z } from 'zod';
import { EVENT_TYPES } from './events';

/**
 * The shape of a connector, one schema for both places it can come from: the file named
 * by ELEVATE_CONNECTORS_FILE and the Admin › Connectors forms. Secrets are never values
 * here: the file names an environment variable (`env:NAME`); the portal seals what an
 * administrator types (lib/connectors/store.ts).
 */
export const CONNECTOR_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const ENV_REF = /^env:[A-Za-z_][A-Za-z0-9_]*$/;

/** PostgreSQL identifiers: 1–63 bytes, no NUL (quoted by the driver, so any other character is fine). */
const pgName = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => Buffer.byteLength(s) <= 63 && !s.includes('\0'), 'must be 1–63 bytes without NUL');

export const LOGIN_RULES = ['email-local-part', 'email', 'user-id'] as const;
export type LoginRule = (typeof LOGIN_RULES)[number];

export const bindingSpec = z
  .object({
    scope: z.string().min(1, 'must name a resource id of the tree').startsWith('/', 'must be a resource id starting with /'),
    mode: z.enum(['report', 'enforce'], { message: "must be 'report' or 'enforce'" }).default('report'),
    roles: z.record(z.string().min(1), pgName).refine((r) => Object.keys(r).length > 0, 'must map at least one role'),
  })
  .strict();

export const postgresSpec = z
  .object({
    id: z.string().regex(CONNECTOR_ID, 'must be lower-case letters, digits and dashes (up to 63)'),
    type: z.literal('postgresql'),
    name: z.string().min(1).max(100).optional(),
    connection: z.string().regex(ENV_REF, 'must be an environment reference like env:FINANCE_DB_URL (secrets never go in the file)'),
    login: z.enum(LOGIN_RULES, { message: `must be one of ${LOGIN_RULES.join(', ')}` }).default('email-local-part'),
    terminateSessions: z.boolean().default(true),
    bindings: z.array(bindingSpec).default([]),
  })
  .strict();

export const webhookSpec = z
  .object({
    id: z.string().regex(CONNECTOR_ID, 'must be lower-case letters, digits and dashes (up to 63)'),
    type: z.literal('webhook'),
    name: z.string().min(1).max(100).optional(),
    url: z
      .string()
      .url('must be an http(s) URL')
      .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL'),
    secret: z.string().regex(ENV_REF, 'must be an environment reference like env:SIEM_WEBHOOK_SECRET (secrets never go in the file)'),
    events: z
      .array(z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }))
      .min(1)
      .default([...EVENT_TYPES]),
  })
  .strict();

export const connectorSpec = z.discriminatedUnion('type', [postgresSpec, webhookSpec], {
  message: "type must be 'postgresql' or 'webhook'",
});
export const connectorsFile = z.object({ connectors: z.array(connectorSpec) }).strict();

export type BindingSpec = z.infer<typeof bindingSpec>;
export type PostgresSpec = z.infer<typeof postgresSpec>;
export type WebhookSpec = z.infer<typeof webhookSpec>;
export type ConnectorSpec = z.infer<typeof connectorSpec>;

export interface PostgresOptions {
  login: LoginRule;
  terminateSessions: boolean;
}
export interface WebhookOptions {
  url: string;
  events: string[];
}
