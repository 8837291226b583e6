import { refusal } from '../_lib/deny';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { verifyAuditChain, describeBreak } from '@/lib/audit/verify';
import type { RawSearch } from '@/lib/audit/filters';
import { Card, PageHeader } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { buttonClass } from '@/components/ui/button';
import { AuditView } from '@/components/admin/audit-view';
import { adminContext, tenantPimAdmin } from '../_lib/context';
import { auditViewProps } from '../_lib/audit-page';

export const metadata: Metadata = { title: 'Tenant audit' };

/** The tenant audit, for tenant PIM administrators, with the hash chain's verification. */
export default async function TenantAuditPage({ searchParams }: { searchParams: Promise<RawSearch> }) {
  const ctx = await adminContext();
  if (!tenantPimAdmin(ctx))
    return refusal({
      reason:
        "The tenant audit is for tenant PIM administrators. Resource administrators find the audit of their scopes on each scope's Audit tab.",
    });
  const sp = await searchParams;
  const check = sp.verify === '1' ? verifyAuditChain(getDb()) : null;
  const props = auditViewProps(ctx, sp, {}, '/admin/audit', {}, {});
  return (
    <div className="space-y-6">
      <PageHeader
        title="Tenant audit"
        description="Every change, request and decision, hash-chained so that altering or removing an event is detected."
      />
      <Card title="Chain verification">
        {check === null ? (
          <div className="flex flex-wrap items-center gap-3">
            <p className="text-sm">
              Re-compute every event&apos;s hash and check each link to the one before. Also available as <code>npm run audit:verify</code>.
            </p>
            <Link href="/admin/audit?verify=1" className={buttonClass('secondary')}>
              Verify the chain
            </Link>
          </div>
        ) : check.firstBreak ? (
          <Notice tone="error" title="The audit chain is broken">
            {describeBreak(check.firstBreak)} {check.checked - 1} events before it verified.
          </Notice>
        ) : (
          <Notice tone="success" title="The audit chain is intact">
            {check.checked} events verified.
          </Notice>
        )}
      </Card>
      <Card title="Events">
        <AuditView {...props} />
      </Card>
    </div>
  );
}
