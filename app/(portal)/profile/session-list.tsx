'use client';

import { useActionState, useState } from 'react';
import { signOut } from 'next-auth/react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ActionMessage } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';
import { Modal } from '@/components/activation/modal';
import { endOtherSessionsAction, endSessionAction } from './actions';

export interface SessionRow {
  id: string;
  browser: string;
  os: string;
  ip: string | null;
  createdAt: number;
  lastSeenAt: number;
  mfaAt: number | null;
  current: boolean;
}

const deviceOf = (s: SessionRow) => `${s.browser} on ${s.os}`;

/**
 * Where you are signed in: this device first, each with where and when; "Sign out" on any
 * other one (confirmed), "Sign out all other sessions", and signing out here.
 */
export function SessionList({
  sessions,
  idleMinutes,
  lifetimeHours,
}: {
  sessions: SessionRow[];
  idleMinutes: number;
  lifetimeHours: number;
}) {
  const [target, setTarget] = useState<SessionRow | null>(null);
  const [allOthers, setAllOthers] = useState(false);
  const [state, formAction, pending] = useActionState(endSessionAction, null);
  const [othersState, othersAction, othersPending] = useActionState(endOtherSessionsAction, null);
  // an answer that arrived closes its dialog: adjusted while rendering, once per answer
  const [seen, setSeen] = useState([state, othersState]);
  if (seen[0] !== state || seen[1] !== othersState) {
    setSeen([state, othersState]);
    if (state?.ok && seen[0] !== state) setTarget(null);
    if (othersState?.ok && seen[1] !== othersState) setAllOthers(false);
  }
  const others = sessions.filter((s) => !s.current);
  return (
    <div className="space-y-3">
      <p className="text-sm text-[var(--muted)]">
        A session ends when you sign out, after {idleMinutes} minutes without use, and {lifetimeHours} hours after signing in at the latest.
        Signing out a session here takes effect at its next click, wherever it is.
      </p>
      <ActionMessage state={state} />
      <ActionMessage state={othersState} />
      <table className="w-full text-sm">
        <caption className="sr-only">Your sessions</caption>
        <thead className="hidden text-left text-xs uppercase text-[var(--muted)] md:table-header-group">
          <tr>
            <th scope="col" className="py-2 pr-3">
              Device
            </th>
            <th scope="col" className="py-2 pr-3">
              IP address
            </th>
            <th scope="col" className="py-2 pr-3">
              Signed in
            </th>
            <th scope="col" className="py-2 pr-3">
              Last seen
            </th>
            <th scope="col" className="py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr
              key={s.id}
              className="mb-3 block rounded-md border border-[var(--border)] p-3 md:mb-0 md:table-row md:rounded-none md:border-0 md:border-t md:p-0"
            >
              <td className="block py-1 md:table-cell md:py-2 md:pr-3">
                <span className="font-medium">{deviceOf(s)}</span>
                {s.current && (
                  <>
                    {' '}
                    <Badge state="Active">This device</Badge>
                  </>
                )}
                {s.mfaAt !== null && (
                  <span className="block text-xs text-[var(--muted)]">
                    <Time at={s.mfaAt} prefix="MFA verified" />
                  </span>
                )}
              </td>
              <td className="block py-1 md:table-cell md:py-2 md:pr-3">
                <span className="md:sr-only">IP address </span>
                {s.ip ?? 'unknown'}
              </td>
              <td className="block py-1 md:table-cell md:py-2 md:pr-3">
                <span className="md:sr-only">Signed in </span>
                <Time at={s.createdAt} />
              </td>
              <td className="block py-1 md:table-cell md:py-2 md:pr-3">
                <span className="md:sr-only">Last seen </span>
                <Time at={s.lastSeenAt} />
              </td>
              <td className="block py-1 md:table-cell md:py-2 md:text-right">
                {s.current ? (
                  <Button variant="secondary" onClick={() => signOut({ callbackUrl: '/sign-in' })} aria-label="Sign out of this device">
                    Sign out
                  </Button>
                ) : (
                  <Button
                    variant="secondary"
                    onClick={() => setTarget(s)}
                    aria-label={`Sign out ${deviceOf(s)} (${s.ip ?? 'unknown address'})`}
                  >
                    Sign out
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {others.length > 0 && (
        <Button variant="secondary" onClick={() => setAllOthers(true)}>
          Sign out all other sessions
        </Button>
      )}
      <Modal
        open={target !== null}
        onClose={() => setTarget(null)}
        title={`Sign out ${target ? deviceOf(target) : ''}?`}
        description={
          `The session from ${target?.ip ?? 'an unknown address'} is signed out at its next click and must sign in again. ` +
          'Your API tokens keep working; revoke them above if that device held one.'
        }
      >
        <form action={formAction} className="flex flex-wrap justify-end gap-2">
          <input type="hidden" name="sessionId" value={target?.id ?? ''} />
          <Button variant="secondary" onClick={() => setTarget(null)}>
            Keep it
          </Button>
          <Button type="submit" variant="danger" disabled={pending}>
            {pending ? 'Signing out…' : 'Sign out that session'}
          </Button>
        </form>
      </Modal>
      <Modal
        open={allOthers}
        onClose={() => setAllOthers(false)}
        title="Sign out all other sessions?"
        description={
          `${others.length} other session${others.length === 1 ? ' is' : 's are'} signed out at their next click. ` +
          'This device stays signed in. Your API tokens keep working.'
        }
      >
        <form action={othersAction} className="flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={() => setAllOthers(false)}>
            Keep them
          </Button>
          <Button type="submit" variant="danger" disabled={othersPending}>
            {othersPending ? 'Signing out…' : 'Sign out all other sessions'}
          </Button>
        </form>
      </Modal>
    </div>
  );
}
