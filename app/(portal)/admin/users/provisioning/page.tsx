import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { config } from '@/lib/config';
import { listScimTokens } from '@/lib/scim/tokens';
import { SCIM_BASE_PATH } from '@/lib/scim/constants';
import { Card, PageHeader } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { Notice } from '@/components/ui/notice';
import { adminContext, tenantPimAdmin } from '../../_lib/context';
import { refusal } from '../../_lib/deny';
import { CreateScimTokenForm } from './create-scim-token-form';
import { ScimTokenList } from './scim-token-list';

export const metadata: Metadata = { title: 'Provisioning (SCIM)' };

/**
 * Admin › Users and groups › Provisioning: the SCIM base URL to enter in the identity
 * provider, and the SCIM tokens it authenticates with (ADR 102). Tenant PIM administrators
 * only; the actions check again in their services.
 */
export default async function ProvisioningPage() {
  const ctx = await adminContext();
  if (!tenantPimAdmin(ctx)) return refusal({ reason: 'Provisioning is set up by tenant PIM administrators.' });
  const tokens = listScimTokens(getDb(), ctx.user);
  const baseUrl = `${config().publicUrl.replace(/\/+$/, '')}${SCIM_BASE_PATH}`;
  const admins = config().oidc?.adminGroups ?? [];
  return (
    <div className="space-y-6">
      <PageHeader
        title="Provisioning (SCIM)"
        description={
          <>
            Your identity provider creates, updates and removes people and groups here through SCIM 2.0.{' '}
            <Link href="/admin/users" className="underline">
              Back to Users and groups
            </Link>
          </>
        }
      />
      <Card title="Connection">
        <dl className="grid gap-3 text-sm sm:grid-cols-[12rem_1fr]">
          <dt className="font-medium">SCIM base URL</dt>
          <dd className="flex items-center gap-2">
            <code className="min-w-0 overflow-x-auto rounded bg-[var(--surface)] px-2 py-1 font-mono text-xs" aria-label="SCIM base URL">
              {baseUrl}
            </code>
            <CopyButton value={baseUrl} label="Copy SCIM base URL" />
          </dd>
          <dt className="font-medium">Authentication</dt>
          <dd>
            Bearer token: a SCIM token from the list below (Entra ID calls it &ldquo;Secret token&rdquo;, Okta &ldquo;HTTP Header&rdquo;).
          </dd>
          <dt className="font-medium">Administrators</dt>
          <dd>
            {admins.length ? (
              <>
                Provisioned members of{' '}
                {admins.map((a) => (
                  <code key={a} className="mx-0.5 text-xs">
                    {a}
                  </code>
                ))}{' '}
                become tenant PIM administrators, and stop being one when they leave it.
              </>
            ) : (
              <>
                No administrator groups are configured (<code className="text-xs">ELEVATE_OIDC_ADMIN_GROUPS</code>): provisioning makes
                nobody a tenant PIM administrator.
              </>
            )}{' '}
            Nothing else a provisioning client sends does, and local accounts are never touched.
          </dd>
        </dl>
        <Notice tone="info" className="mt-4">
          Setting <code>active</code> to false, or deleting a user, ends their sessions, revokes their API tokens and live activations and
          cancels their pending requests at once. Removing someone from a group ends what they held or activated through it. Each is in the
          audit log under the token&apos;s name.
        </Notice>
      </Card>
      <div className="grid gap-6 xl:grid-cols-[1fr_28rem]">
        <Card title={`SCIM tokens (${tokens.length})`}>
          <ScimTokenList tokens={tokens} />
        </Card>
        <Card title="Create a SCIM token">
          <CreateScimTokenForm />
        </Card>
      </div>
    </div>
  );
}
