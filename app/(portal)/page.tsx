import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { policyIndex } from '@/lib/tenant/engine';
import { personaFor } from '@/lib/portal/persona-facts';
import { scheduleStatus, schedulesReaching, activationOptions, effectiveEnd, pathOf, type PolicyIndex } from '@/lib/policy';
import { myRequests } from '@/lib/activation';
import { Card, PageHeader } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { Countdown, Time } from '@/components/ui/time';

export const metadata: Metadata = { title: 'Home' };

const scopePath = (index: PolicyIndex, id: string) =>
  pathOf(index, id)
    .map((r, i) => (i === 0 && r.kind === 'managementGroup' ? 'Tenant' : r.name))
    .join(' › ');

export default async function HomePage() {
  const user = await requireUser();
  const now = Date.now();
  const index = policyIndex(getDb());
  const persona = personaFor(getDb(), user.id, now, index);
  // what reaches the user through a group counts too, as on My roles
  const active = schedulesReaching(index, user.id).filter((s) => s.kind === 'active' && scheduleStatus(s, now) === 'Active');
  // a count of eligibilities: no need to list the scopes below each (that is the activation dialog's job)
  const eligibleCount = activationOptions(index, user.id, now, { scopeLimit: 0 }).length;
  const role = (id: string) => index.roles.get(id)?.name ?? id;
  const pending = myRequests(getDb(), user.id, now, { status: 'pending', pageSize: 5 });
  return (
    <div className="space-y-6">
      <PageHeader title={`Hello, ${user.displayName}`} description="What you hold now, what you can activate, and what waits for you." />
      <div className="grid gap-4 md:grid-cols-3">
        <Card title="Active roles">
          {active.length === 0 ? (
            <p className="text-sm text-[var(--muted)]">You hold no active role right now.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {active.map((s) => (
                <li key={s.id}>
                  <span className="font-medium">{role(s.roleId)}</span> on {scopePath(index, s.scopeId)}
                  <span className="block text-xs text-[var(--muted)]">
                    <Countdown until={effectiveEnd(s)} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Pending requests">
          {pending.total === 0 ? (
            <p className="text-sm text-[var(--muted)]">Nothing of yours waits for a decision.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {pending.items.map((r) => (
                <li key={r.id}>
                  <Link href={`/requests/${r.id}`} className="font-medium underline">
                    {r.roleName}
                  </Link>{' '}
                  on {r.crumbs.map((c) => c.name).join(' › ')}
                  {r.approvalDeadline !== null && (
                    <span className="block text-xs text-[var(--muted)]">
                      <Time at={r.approvalDeadline} prefix="times out" />
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
          {pending.total > pending.items.length && (
            <p className="mt-2 text-xs text-[var(--muted)]">and {pending.total - pending.items.length} more.</p>
          )}
          <Link href="/requests" className={buttonClass('secondary', 'mt-3')}>
            Go to My requests
          </Link>
        </Card>
        <Card title="Eligible roles">
          <p className="text-sm">
            {eligibleCount === 0
              ? 'You have no eligible roles. Ask an administrator of the scope.'
              : `You can activate ${eligibleCount} eligible role${eligibleCount === 1 ? '' : 's'}.`}
          </p>
          <Link href="/my-roles" className={buttonClass('secondary', 'mt-3')}>
            Go to My roles
          </Link>
        </Card>
        {persona.approves && (
          <Card title="Approvals">
            <p className="text-sm">
              {persona.pendingApprovals === 0
                ? 'No request waits for your decision.'
                : `${persona.pendingApprovals} request(s) wait for your decision.`}
            </p>
            <Link href="/approvals" className={buttonClass('secondary', 'mt-3')}>
              Open the approvals queue
            </Link>
          </Card>
        )}
      </div>
    </div>
  );
}
