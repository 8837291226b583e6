import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { tenants, type MfaMethod, type User } from '@/db/schema';
export { MFA_METHODS } from '@/db/schema';
import { config } from '@/lib/config';
import { ElevateError } from '@/lib/errors';
import { writeAudit } from '@/lib/audit/write';
import { effectiveMfaMethod } from '@/lib/policy/idp-mfa';
import { policyIndex } from '@/lib/tenant/engine';
import { requirePimAdmin } from '@/lib/resources/access';

/** The tenant's MFA method as set in Admin › Settings (stored), whatever the configuration. */
export function storedMfaMethod(db: DbOrTx, tenantId: string): MfaMethod {
  return db.select({ m: tenants.mfaMethod }).from(tenants).where(eq(tenants.id, tenantId)).get()?.m ?? 'totp';
}

/** The method in force for a tenant: 'idp' and 'either' need a configured provider, else TOTP. */
export function tenantMfaMethod(db: DbOrTx, tenantId: string, providerConfigured = Boolean(config().oidc)): MfaMethod {
  return effectiveMfaMethod(storedMfaMethod(db, tenantId), providerConfigured);
}

/** Admin › Settings: a tenant PIM administrator chooses how activation and approval MFA is satisfied. */
export function setTenantMfaMethod(
  db: Db,
  actor: Pick<User, 'id' | 'displayName' | 'tenantId'>,
  method: MfaMethod,
  now: number,
  providerConfigured = Boolean(config().oidc),
): void {
  if (method !== 'totp' && !providerConfigured) {
    throw new ElevateError('InvalidRequest', 'Configure an identity provider (ELEVATE_OIDC_ISSUER) before using its MFA.', {
      fieldErrors: { mfaMethod: ['No identity provider is configured.'] },
    });
  }
  db.transaction(
    (tx) => {
      requirePimAdmin(policyIndex(tx), actor.id);
      const before = storedMfaMethod(tx, actor.tenantId);
      if (before === method) return;
      tx.update(tenants).set({ mfaMethod: method }).where(eq(tenants.id, actor.tenantId)).run();
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'MFA method changed',
        details: { from: before, to: method },
      });
    },
    { behavior: 'immediate' },
  );
}
