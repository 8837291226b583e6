import type { Metadata } from 'next';
import { getDb } from '@/lib/db';
import { getSession, requireUser } from '@/lib/auth/session';
import { sessionMfaVerifiedAt } from '@/lib/auth/mfa';
import { approvalQueue, pendingApprovalRoles } from '@/lib/approvals/queries';
import { PageHeader } from '@/components/ui/card';
import { ApprovalsQueue } from '@/components/approvals/approvals-queue';
import { queueRow } from '@/components/approvals/rows';
import { ApprovalTabs } from './tabs';

export const metadata: Metadata = { title: 'Approvals' };
export const dynamic = 'force-dynamic';

/** The first page of the live queue, rendered on the server; the client polls and pages from there. */
export default async function ApprovalsPage() {
  const user = await requireUser();
  const db = getDb();
  const now = Date.now();
  const page = approvalQueue(db, user.id, now);
  const mfaVerifiedAt = sessionMfaVerifiedAt(db, user.id, (await getSession())?.sessionId ?? null);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Approvals"
        description="Requests waiting for your decision. The first decision settles a request; you never decide your own."
        actions={<ApprovalTabs current="queue" />}
      />
      <ApprovalsQueue
        initial={{ items: page.items.map(queueRow), next: page.next, prev: page.prev, at: now }}
        roles={pendingApprovalRoles(db, user.id, now)}
        mfaVerifiedAt={mfaVerifiedAt}
      />
    </div>
  );
}
