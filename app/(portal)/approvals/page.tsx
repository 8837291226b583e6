import type { Metadata } from 'next';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { pendingApprovals } from '@/lib/approvals';
import { PageHeader } from '@/components/ui/card';
import { ApprovalsQueue } from '@/components/approvals/approvals-queue';
import { ApprovalTabs } from './tabs';

export const metadata: Metadata = { title: 'Approvals' };
export const dynamic = 'force-dynamic';

export default async function ApprovalsPage() {
  const user = await requireUser();
  const items = pendingApprovals(getDb(), user.id, Date.now());
  return (
    <div className="space-y-4">
      <PageHeader
        title="Approvals"
        description="Requests waiting for your decision. The first decision settles a request; you never decide your own."
        actions={<ApprovalTabs current="queue" />}
      />
      <ApprovalsQueue initial={items} />
    </div>
  );
}
