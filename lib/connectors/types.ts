/**
 * The connector model (DESIGN.md, "Connectors"; ADR 080). A *target* is a system outside
 * Elevate that enforces access (a PostgreSQL server, later Azure RBAC, Kubernetes RBAC,
 * Linux groups). A *binding* maps roles at a resource to grants in that target. The
 * engine decides what each binding should grant now (lib/policy/connectors.ts); the
 * reconciler (lib/connectors/reconciler.ts) asks a TargetDriver to make it so.
 *
 * A new target type is one file that implements TargetDriver and one line in
 * lib/connectors/drivers.ts. Drivers never decide who should hold what: they grant,
 * revoke and list, and say what went wrong in words an administrator can act on.
 */

/** A grant in a target: `login` is a member of `target` (a PostgreSQL group role, an RBAC role binding, a Linux group). */
export interface TargetGrant {
  target: string;
  login: string;
}

export interface RevokeOptions {
  /** end the login's open sessions too (a revoked role must not live on in a connection) */
  terminateSessions: boolean;
}

export interface ConnectionCheck {
  ok: boolean;
  /** one line for the Connectors page: server version and who Elevate connects as, or what failed */
  message: string;
  /** each target of the connector's bindings that does not exist in the target system */
  missingTargets: string[];
}

export interface TargetDriver {
  readonly type: string;
  /** Connects, checks the rights the connector needs and that each named target exists. Never throws. */
  test(targets: string[]): Promise<ConnectionCheck>;
  /** Current members of each named target (targets that do not exist map to an empty set). */
  members(targets: string[]): Promise<Map<string, Set<string>>>;
  /** Idempotent: granting what is already granted succeeds. Throws TargetError. */
  grant(g: TargetGrant): Promise<void>;
  /** Idempotent: revoking what is not granted succeeds. Throws TargetError. */
  revoke(g: TargetGrant, opts: RevokeOptions): Promise<{ sessionsEnded: number }>;
  /** Releases connections. */
  close(): Promise<void>;
}

/**
 * A failure in the target, worded for the binding's page. `retry` false means retrying
 * the same call cannot help (a missing login role, a target that does not exist): the
 * reconciler records it and moves on to the other grants instead of backing off.
 */
export class TargetError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
    this.name = 'TargetError';
  }
}
