import type { Metadata } from 'next';
import { getDb } from '@/lib/db';
import { requireUser } from '@/lib/auth/session';
import { policyIndex } from '@/lib/tenant/engine';
import { isTenantPimAdmin } from '@/lib/policy';
import { config } from '@/lib/config';
import { storedMfaMethod, tenantMfaMethod } from '@/lib/auth/oidc/mfa-method';
import { callbackUrl } from '@/lib/auth/oidc/provider';
import { Card, PageHeader } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { Notice } from '@/components/ui/notice';
import { MfaMethodForm } from './mfa-method-form';

export const metadata: Metadata = { title: 'Settings' };
export const dynamic = 'force-dynamic';

function Row({ term, value, copy }: { term: string; value: string; copy?: boolean }) {
  return (
    <div className="grid gap-1 sm:grid-cols-[14rem_1fr]">
      <dt className="text-sm font-medium">{term}</dt>
      <dd className="flex flex-wrap items-center gap-2 text-sm">
        <code className="break-all">{value}</code>
        {copy && <CopyButton value={value} label={`Copy ${term.toLowerCase()}`} />}
      </dd>
    </div>
  );
}

/**
 * Tenant-wide settings (issue 13): how MFA is satisfied, and what an administrator registers at
 * the identity provider. Tenant PIM administrators only; the action checks again.
 */
export default async function SettingsPage() {
  const user = await requireUser();
  const db = getDb();
  if (!isTenantPimAdmin(policyIndex(db), user.id)) {
    return (
      <div className="space-y-4">
        <PageHeader title="Settings" />
        <Notice tone="info" title="Only tenant PIM administrators can change tenant settings">
          Ask a tenant PIM administrator.
        </Notice>
      </div>
    );
  }
  const cfg = config();
  const base = cfg.publicUrl.replace(/\/$/, '');
  const stored = storedMfaMethod(db, user.tenantId);
  const inForce = tenantMfaMethod(db, user.tenantId);
  return (
    <div className="space-y-4">
      <PageHeader title="Settings" description="Tenant-wide: how people prove MFA, and single sign-on." />
      <Card title="MFA for activation and approval">
        {stored !== inForce && (
          <Notice tone="warning" className="mb-3">
            The setting says {stored === 'idp' ? 'identity provider' : 'either'}, but no identity provider is configured: authenticator
            codes are used until one is.
          </Notice>
        )}
        <MfaMethodForm current={inForce} providerName={cfg.oidc?.name ?? null} />
      </Card>
      <Card title="Single sign-on">
        {cfg.oidc ? (
          <dl className="space-y-2">
            <Row term="Provider" value={`${cfg.oidc.name} (${cfg.oidc.issuer})`} />
            <Row term="Client id" value={cfg.oidc.clientId} />
            <Row term="Callback (redirect) URL" value={callbackUrl(base)} copy />
            <Row term="Sign-out redirect URL" value={`${base}/sign-in`} copy />
            <Row term="Scopes" value={cfg.oidc.scopes} />
            <Row term="Groups claim" value={cfg.oidc.groupsClaim} />
            <Row term="Administrator groups" value={cfg.oidc.adminGroups.length ? cfg.oidc.adminGroups.join(', ') : 'none'} />
            <Row term="Password sign-in" value={cfg.passwordSignIn ? 'on' : 'off (break-glass accounts only)'} />
          </dl>
        ) : (
          <div className="space-y-2 text-sm">
            <p>
              No identity provider is configured. Set <code>ELEVATE_OIDC_ISSUER</code>, <code>ELEVATE_OIDC_CLIENT_ID</code> and{' '}
              <code>ELEVATE_OIDC_CLIENT_SECRET</code>, and register this callback URL at the provider:
            </p>
            <dl>
              <Row term="Callback (redirect) URL" value={callbackUrl(base)} copy />
            </dl>
            <p>Password sign-in is {cfg.passwordSignIn ? 'on' : 'off'}.</p>
          </div>
        )}
      </Card>
    </div>
  );
}
