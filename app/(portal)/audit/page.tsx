import type { Metadata } from 'next';
import type { RawSearch } from '@/lib/audit/filters';
import { Card, PageHeader } from '@/components/ui/card';
import { AuditView } from '@/components/admin/audit-view';
import { adminContext } from '../admin/_lib/context';
import { auditViewProps } from '../admin/_lib/audit-page';

export const metadata: Metadata = { title: 'My audit' };

/** My audit: what I did and what was done to me. Open to everyone. */
export default async function MyAuditPage({ searchParams }: { searchParams: Promise<RawSearch> }) {
  const ctx = await adminContext();
  const sp = await searchParams;
  const props = auditViewProps(ctx, sp, { involving: ctx.user.id }, '/audit', {}, { mine: '1' });
  return (
    <div className="space-y-6">
      <PageHeader title="My audit" description="Everything you did in Elevate, and everything done to your access." />
      <Card>
        <AuditView {...props} />
      </Card>
    </div>
  );
}
