import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { getSession, requireUser } from '@/lib/auth/session';
import { listSessions, sessionLimits } from '@/lib/auth/sessions';
import { config } from '@/lib/config';
import { listApiTokens } from '@/lib/tokens/tokens';
import { Badge } from '@/components/ui/badge';
import { Card, PageHeader } from '@/components/ui/card';
import { ChangePasswordForm } from '@/components/auth/change-password-form';
import { changeMyPassword } from './actions';
import { Time } from '@/components/ui/time';
import { CreateTokenForm } from './create-token-form';
import { StepUpForm } from './step-up-form';
import { TokenList } from './token-list';
import { SessionList } from './session-list';

export const metadata: Metadata = { title: 'Profile' };

export default async function ProfilePage() {
  const user = await requireUser();
  const now = Date.now();
  const tokens = listApiTokens(getDb(), user.id, now).map((t) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    status: t.status,
    stepUp: t.stepUp,
  }));
  const cfg = config();
  const base = cfg.publicUrl;
  const current = (await getSession())?.sessionId;
  const sessions = listSessions(getDb(), user.id, now, sessionLimits(cfg)).map((s) => ({
    id: s.id,
    browser: s.browser,
    os: s.os,
    ip: s.ip,
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    mfaAt: s.mfaAt,
    current: s.id === current,
  }));
  // this device first, then the most recently used
  sessions.sort((a, b) => Number(b.current) - Number(a.current));
  return (
    <div className="space-y-6">
      <PageHeader title="Profile" description={`${user.displayName} · ${user.email}`} />

      <Card title="Multi-factor authentication">
        {user.totpSecretEnc ? (
          <p className="text-sm">
            <Badge state="Active">Set up</Badge> Authenticator app (6-digit codes), set up <Time at={user.totpEnrolledAt} />. Activations
            that require MFA ask for a code. If you lose the device, ask a PIM administrator to reset your MFA.
          </p>
        ) : (
          <p className="text-sm">
            <Badge state="Expired">Not set up</Badge> You have no authenticator app. Activations that require MFA will be refused until a
            PIM administrator resets your sign-in so you can enrol one.
          </p>
        )}
      </Card>

      <Card title="Password">
        <p className="mb-3 text-sm text-[var(--muted)]">Changing your password signs out your other sessions.</p>
        <ChangePasswordForm action={changeMyPassword} />
      </Card>

      <Card title="Sessions">
        <SessionList sessions={sessions} idleMinutes={cfg.sessionIdleMinutes} lifetimeHours={cfg.sessionHours} />
      </Card>

      <Card title="API tokens">
        <p className="mb-4 text-sm text-[var(--muted)]">
          Scripts, pipelines and the Azure SDKs call Elevate&apos;s Azure-compatible API with a personal token. A token acts as you: it can
          see and do exactly what you can in the portal, nothing more. Every token expires (at most after a year) and you can revoke it at
          any time. Creating one asks for a code from your authenticator app.
        </p>
        <CreateTokenForm />
        <div className="mt-6">
          <h3 className="mb-2 text-sm font-semibold">Your tokens</h3>
          <TokenList tokens={tokens} />
        </div>
      </Card>

      <Card title="MFA step-up token">
        <p className="mb-4 text-sm text-[var(--muted)]">
          Activations whose settings require MFA accept only a token minted right after an MFA check. Enter a code to get a step-up token
          that works for 10 minutes: long enough to activate, too short to be worth stealing. Scripts can do the same with{' '}
          <code className="text-xs">POST {base}/api/tokens/step-up</code> and a current code.
        </p>
        <StepUpForm />
      </Card>

      <Card title="Use the API">
        <p className="mb-2 text-sm">List what you could activate, as you would against Azure:</p>
        <pre tabIndex={0} aria-label="Example request" className="overflow-x-auto rounded-md bg-slate-950 p-3 text-xs text-slate-100">
          {`curl -H "Authorization: Bearer $ELEVATE_TOKEN" \\
  "${base}/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01&\\$filter=asTarget()"`}
        </pre>
        <p className="mt-2 text-sm text-[var(--muted)]">
          The Azure SDKs and <code className="text-xs">az rest</code> work the same way: point them at {base} and pass the token as the
          bearer token.{' '}
          <Link className="underline" href="/requests">
            Requests made through the API
          </Link>{' '}
          show up with everything else.
        </p>
      </Card>
    </div>
  );
}
