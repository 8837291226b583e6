import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { getSession, requireUser } from '@/lib/auth/session';
import { sessionMfaVerifiedAt } from '@/lib/auth/mfa';
import { requestDetail } from '@/lib/approvals';
import { MFA_FRESHNESS_MINUTES, mfaWithin } from '@/lib/policy';
import { Badge, requestStateLabel } from '@/components/ui/badge';
import { Card, PageHeader } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';
import { ScopePath } from '@/components/scope/scope-path';
import { DecideForm } from '@/components/approvals/decide-form';
import { NoSuchRequest } from '@/components/activation/no-such-request';
import { MfaBadge, RequestedWindow, Ticket, TimeLeft } from '@/components/approvals/request-cells';

export const metadata: Metadata = { title: 'Request' };
export const dynamic = 'force-dynamic';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1 py-2 sm:grid-cols-[12rem_1fr]">
      <dt className="text-sm text-[var(--muted)]">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

export default async function ApprovalDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const db = getDb();
  const now = Date.now();
  const d = requestDetail(db, user.id, id, now);
  if (!d) return <NoSuchRequest back={{ href: '/approvals', label: 'Approvals' }} />;
  // rule 11: this session's MFA moment covers an approval for a while; a half-minute's margin for the time it takes to click
  const mfaFresh = mfaWithin(
    sessionMfaVerifiedAt(db, user.id, (await getSession())?.sessionId ?? null),
    now + 30_000,
    MFA_FRESHNESS_MINUTES,
  );
  const { item } = d;
  const pending = item.status === 'PendingApproval';
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/approvals" className="text-indigo-700 hover:underline dark:text-indigo-300">
          ← Approvals
        </Link>
      </p>
      <PageHeader
        title={`${item.requester.name} requests ${item.role.name}`}
        description={<ScopePath crumbs={item.scope.crumbs} armId={item.scope.armId} />}
        actions={<Badge state={requestStateLabel(item.status)} />}
      />
      {d.settled && <Notice tone={d.decision?.decision === 'Approve' ? 'success' : 'warning'}>{d.settled}.</Notice>}
      <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
        <Card title="Request">
          <dl className="divide-y divide-[var(--border)]">
            <Fact label="Requester">
              {item.requester.name} <span className="text-[var(--muted)]">({item.requester.email})</span>
            </Fact>
            <Fact label="Role">{item.role.name}</Fact>
            <Fact label="Scope">
              <ScopePath crumbs={item.scope.crumbs} armId={item.scope.armId} />
            </Fact>
            <Fact label="Requested window">
              <RequestedWindow item={item} />
            </Fact>
            <Fact label="Justification">{item.justification || <span className="text-[var(--muted)]">none given</span>}</Fact>
            <Fact label="Ticket">
              <Ticket item={item} />
            </Fact>
            <Fact label="MFA">
              <MfaBadge item={item} /> {item.mfaVerifiedAt !== null && <Time at={item.mfaVerifiedAt} />}
            </Fact>
            <Fact label="Requested">
              <Time at={item.createdAt} />
              {item.channel === 'api' ? ' through the API' : ''}
            </Fact>
            {pending && (
              <Fact label="Times out">
                <TimeLeft item={item} />
              </Fact>
            )}
            <Fact label="Approvers">{item.approverNames.join(', ') || 'none'}</Fact>
          </dl>
        </Card>
        <div className="space-y-4">
          <Card title={pending ? 'Your decision' : 'Decision'}>
            {d.decision ? (
              <div className="space-y-1 text-sm">
                <p>
                  <Badge state={d.decision.decision === 'Approve' ? 'Approved' : 'Denied'} /> by {d.decision.approverName}{' '}
                  <Time at={d.decision.decidedAt} />
                </p>
                {d.decision.justification && <p>“{d.decision.justification}”</p>}
              </div>
            ) : pending && d.canDecide ? (
              <DecideForm
                requestId={item.id}
                justificationRequired={item.justificationRequired}
                mfaToApprove={item.mfaToApprove}
                mfaFresh={mfaFresh}
              />
            ) : pending ? (
              <Notice tone="info" title="You cannot decide this request">
                <ul className="list-disc pl-5">
                  {d.decideReasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              </Notice>
            ) : (
              <p className="text-sm text-[var(--muted)]">Nobody decided this request.</p>
            )}
          </Card>
          <Card title="Why approval is needed">
            <ul className="list-disc space-y-1 pl-5 text-sm">
              {d.approvalReasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
              {pending && d.canDecide && d.decideReasons.map((r) => <li key={r}>{r}</li>)}
            </ul>
          </Card>
          <Card title={`What ${item.principal.name} holds here now`}>
            {d.held.length === 0 ? (
              <p className="text-sm text-[var(--muted)]">No role at this scope yet.</p>
            ) : (
              <ul className="space-y-2 text-sm">
                {d.held.map((h, i) => (
                  <li key={i}>
                    <Badge state={h.kind === 'active' ? 'Active' : 'Eligible'} /> <span className="font-medium">{h.role}</span>{' '}
                    <span className="text-[var(--muted)]">
                      {h.how === 'assigned here' ? 'assigned here' : `${h.how} from ${h.from}`},{' '}
                      {h.endAt === null ? 'permanent' : <Time at={h.endAt} prefix="ends" />}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          {d.manages && pending && (
            <p className="text-sm">
              <Link href="/admin/pending" className="text-indigo-700 hover:underline dark:text-indigo-300">
                Cancel it as administrator
              </Link>
            </p>
          )}
        </div>
      </div>
    </div>
  );
}
