import path from 'node:path';
import { z } from 'zod';

const bool = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be 1/0, true/false, yes/no or on/off, got "${v}"` });
      return z.NEVER;
    });

const int = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const url = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      try {
        const u = new URL(v);
        if (!['http:', 'https:', 'smtp:', 'smtps:'].includes(u.protocol)) throw new Error('protocol');
        return v.replace(/\/$/, '');
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} must be an absolute URL, got "${v}"` });
        return z.NEVER;
      }
    });

const schema = z.object({
  ELEVATE_DATA_DIR: z.string().optional(),
  ELEVATE_DB: z.string().optional(),
  ELEVATE_DEMO: bool('ELEVATE_DEMO', true),
  ELEVATE_URL: url('ELEVATE_URL'),
  NEXTAUTH_URL: url('NEXTAUTH_URL'),
  PORT: int('PORT', 3000, 1, 65535),
  ELEVATE_AUTH_SECRET: z.string().min(32, 'ELEVATE_AUTH_SECRET must be at least 32 characters').optional(),
  ELEVATE_ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'ELEVATE_ENCRYPTION_KEY must be 32 bytes in base64 (44 characters, e.g. `openssl rand -base64 32`)')
    .optional(),
  ELEVATE_SMTP_URL: url('ELEVATE_SMTP_URL'),
  ELEVATE_MAIL_FROM: z.string().email('ELEVATE_MAIL_FROM must be an e-mail address').optional(),
  ELEVATE_TLS_CERT: z.string().optional(),
  ELEVATE_TLS_KEY: z.string().optional(),
  ELEVATE_LOCKOUT_THRESHOLD: int('ELEVATE_LOCKOUT_THRESHOLD', 5, 1, 100),
  ELEVATE_LOCKOUT_MINUTES: int('ELEVATE_LOCKOUT_MINUTES', 15, 1, 24 * 60),
  ELEVATE_SESSION_HOURS: int('ELEVATE_SESSION_HOURS', 12, 1, 24 * 30),
  // a session nobody used for this long ends (ADR 092); checked from its server-side record
  ELEVATE_SESSION_IDLE_MINUTES: int('ELEVATE_SESSION_IDLE_MINUTES', 60, 5, 24 * 60),
  // read by scripts/start.mjs, which starts the server with this V8 heap limit; validated here too
  ELEVATE_HEAP_MB: int('ELEVATE_HEAP_MB', 768, 256, 65536),
  // connectors (ADR 080): a JSON file kept in Git, the full-reconcile period, and whether webhooks may target private addresses
  ELEVATE_CONNECTORS_FILE: z.string().optional(),
  ELEVATE_CONNECTORS_RECONCILE_MINUTES: int('ELEVATE_CONNECTORS_RECONCILE_MINUTES', 5, 1, 24 * 60),
  ELEVATE_WEBHOOK_ALLOW_PRIVATE: bool('ELEVATE_WEBHOOK_ALLOW_PRIVATE', false),
  // single sign-on through the organisation's OpenID Connect provider (issue 13, ADR 100)
  // kept exactly as given: the issuer must match the provider's `iss` character for character
  ELEVATE_OIDC_ISSUER: z.string().optional(),
  ELEVATE_OIDC_CLIENT_ID: z.string().min(1, 'ELEVATE_OIDC_CLIENT_ID must not be empty').optional(),
  ELEVATE_OIDC_CLIENT_SECRET: z.string().min(1, 'ELEVATE_OIDC_CLIENT_SECRET must not be empty').optional(),
  ELEVATE_OIDC_NAME: z.string().trim().min(1).max(60, 'ELEVATE_OIDC_NAME must be at most 60 characters').optional(),
  ELEVATE_OIDC_SCOPES: z
    .string()
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'ELEVATE_OIDC_SCOPES must be scope names separated by single spaces')
    .optional(),
  ELEVATE_OIDC_GROUPS_CLAIM: z.string().trim().min(1).max(100).optional(),
  ELEVATE_OIDC_ADMIN_GROUPS: z.string().optional(),
  ELEVATE_OIDC_MFA_ACR: z.string().trim().min(1).optional(),
  ELEVATE_PASSWORD_SIGNIN: bool('ELEVATE_PASSWORD_SIGNIN', true),
  // items per page of API lists without $top (the SDK suite lowers it to exercise paging)
  ELEVATE_API_PAGE_SIZE: int('ELEVATE_API_PAGE_SIZE', 100, 1, 1000),
  // the initial administrator of a tenant created without the demo (ELEVATE_DEMO=0)
  ELEVATE_ADMIN_EMAIL: z.string().email('ELEVATE_ADMIN_EMAIL must be an e-mail address').optional(),
});

export interface Config {
  dataDir: string;
  dbPath: string;
  demo: boolean;
  publicUrl: string;
  port: number;
  authSecret?: string;
  encryptionKey?: string;
  smtpUrl?: string;
  mailFrom: string;
  tls?: { certFile: string; keyFile: string };
  lockout: { threshold: number; minutes: number };
  /** absolute session lifetime, from sign-in */
  sessionHours: number;
  /** a session not used for this long has ended */
  sessionIdleMinutes: number;
  /** V8 old-space limit the server process is started with (scripts/start.mjs) */
  heapMb: number;
  connectors: { file?: string; fullEveryMs: number; allowPrivateWebhooks: boolean };
  /** the organisation's OpenID Connect provider, when configured (all of issuer, client id and secret) */
  oidc?: OidcConfig;
  /** false: password sign-in is hidden and refused except for break-glass accounts */
  passwordSignIn: boolean;
  /** items per page of API lists when the caller gives no $top (1…1000) */
  apiPageSize: number;
  /** e-mail of the initial administrator created on an empty database without the demo */
  adminEmail: string;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** the sign-in button's label */
  name: string;
  scopes: string;
  groupsClaim: string;
  /** group ids or names (compared without case) whose members are tenant PIM administrators */
  adminGroups: string[];
  /** acr_values asked for at an MFA step-up, and accepted in the returned acr */
  mfaAcr?: string;
}

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError naming each bad variable and what it expects. */
export function readConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new ConfigError(`Elevate cannot start: invalid configuration\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.ELEVATE_TLS_CERT) !== Boolean(e.ELEVATE_TLS_KEY)) {
    throw new ConfigError(
      'Elevate cannot start: invalid configuration\n  - ELEVATE_TLS_CERT and ELEVATE_TLS_KEY must be set together (PEM file paths)',
    );
  }
  const oidc = readOidc(e);
  const dataDir = path.resolve(/*turbopackIgnore: true*/ e.ELEVATE_DATA_DIR ?? './data');
  const scheme = e.ELEVATE_TLS_CERT ? 'https' : 'http';
  return {
    dataDir,
    dbPath: path.resolve(/*turbopackIgnore: true*/ e.ELEVATE_DB ?? path.join(dataDir, 'elevate.db')),
    demo: e.ELEVATE_DEMO,
    publicUrl: e.ELEVATE_URL ?? e.NEXTAUTH_URL ?? `${scheme}://localhost:${e.PORT}`,
    port: e.PORT,
    authSecret: e.ELEVATE_AUTH_SECRET,
    encryptionKey: e.ELEVATE_ENCRYPTION_KEY,
    smtpUrl: e.ELEVATE_SMTP_URL,
    mailFrom: e.ELEVATE_MAIL_FROM ?? 'elevate@localhost',
    tls: e.ELEVATE_TLS_CERT ? { certFile: e.ELEVATE_TLS_CERT, keyFile: e.ELEVATE_TLS_KEY! } : undefined,
    lockout: { threshold: e.ELEVATE_LOCKOUT_THRESHOLD, minutes: e.ELEVATE_LOCKOUT_MINUTES },
    sessionHours: e.ELEVATE_SESSION_HOURS,
    sessionIdleMinutes: e.ELEVATE_SESSION_IDLE_MINUTES,
    heapMb: e.ELEVATE_HEAP_MB,
    connectors: {
      file: e.ELEVATE_CONNECTORS_FILE ? path.resolve(/*turbopackIgnore: true*/ e.ELEVATE_CONNECTORS_FILE) : undefined,
      fullEveryMs: e.ELEVATE_CONNECTORS_RECONCILE_MINUTES * 60_000,
      allowPrivateWebhooks: e.ELEVATE_WEBHOOK_ALLOW_PRIVATE,
    },
    oidc,
    passwordSignIn: e.ELEVATE_PASSWORD_SIGNIN,
    apiPageSize: e.ELEVATE_API_PAGE_SIZE,
    adminEmail: e.ELEVATE_ADMIN_EMAIL ?? 'admin@elevate.local',
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function invalid(line: string): ConfigError {
  return new ConfigError(`Elevate cannot start: invalid configuration\n  - ${line}`);
}

/** The provider is all-or-nothing: half a configuration is an error, not a silently missing button. */
function readOidc(e: z.infer<typeof schema>): OidcConfig | undefined {
  const set = [e.ELEVATE_OIDC_ISSUER, e.ELEVATE_OIDC_CLIENT_ID, e.ELEVATE_OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (set === 0) {
    if (!e.ELEVATE_PASSWORD_SIGNIN)
      throw invalid(
        'ELEVATE_PASSWORD_SIGNIN=0 needs single sign-on (ELEVATE_OIDC_ISSUER, ELEVATE_OIDC_CLIENT_ID, ELEVATE_OIDC_CLIENT_SECRET)',
      );
    return undefined;
  }
  if (set < 3) throw invalid('ELEVATE_OIDC_ISSUER, ELEVATE_OIDC_CLIENT_ID and ELEVATE_OIDC_CLIENT_SECRET must be set together');
  let issuer: URL;
  try {
    issuer = new URL(e.ELEVATE_OIDC_ISSUER!);
  } catch {
    throw invalid(`ELEVATE_OIDC_ISSUER must be an absolute URL, got "${e.ELEVATE_OIDC_ISSUER}"`);
  }
  // tokens and codes travel to the issuer: plain http only where nobody else can listen
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname))) {
    throw invalid(`ELEVATE_OIDC_ISSUER must be an https URL (http only on a loopback address), got "${e.ELEVATE_OIDC_ISSUER}"`);
  }
  const scopes = e.ELEVATE_OIDC_SCOPES ?? 'openid email profile';
  if (!scopes.split(' ').includes('openid')) throw invalid(`ELEVATE_OIDC_SCOPES must include openid, got "${scopes}"`);
  return {
    issuer: e.ELEVATE_OIDC_ISSUER!,
    clientId: e.ELEVATE_OIDC_CLIENT_ID!,
    clientSecret: e.ELEVATE_OIDC_CLIENT_SECRET!,
    name: e.ELEVATE_OIDC_NAME ?? 'Single sign-on',
    scopes,
    groupsClaim: e.ELEVATE_OIDC_GROUPS_CLAIM ?? 'groups',
    adminGroups: (e.ELEVATE_OIDC_ADMIN_GROUPS ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean),
    mfaAcr: e.ELEVATE_OIDC_MFA_ACR,
  };
}
