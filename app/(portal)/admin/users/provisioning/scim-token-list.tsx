'use client';

import { useActionState, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/card';
import { ActionMessage } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';
import { Modal } from '@/components/activation/modal';
import { revokeScimTokenAction } from './actions';

/** a card on a phone, a table row from md up */
const ROW = 'mb-3 block rounded-md border border-[var(--border)] p-3 md:mb-0 md:table-row md:rounded-none md:border-0 md:border-t md:p-0';

export interface ScimTokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: number;
  createdByName: string | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  status: 'Active' | 'Revoked';
}

/** The tenant's SCIM tokens: a table on wide screens, cards on a phone; revoking asks first and names what stops. */
export function ScimTokenList({ tokens }: { tokens: ScimTokenRow[] }) {
  const [target, setTarget] = useState<ScimTokenRow | null>(null);
  // the dialog closes when the revocation succeeds (in the action's callback, not in an effect)
  const [state, formAction, pending] = useActionState(async (prev: Awaited<ReturnType<typeof revokeScimTokenAction>>, form: FormData) => {
    const result = await revokeScimTokenAction(prev, form);
    if (result?.ok) setTarget(null);
    return result;
  }, null);
  if (tokens.length === 0)
    return (
      <EmptyState>No SCIM tokens yet. Create one above and enter it in your identity provider&apos;s provisioning settings.</EmptyState>
    );
  const cell = 'block py-1 md:table-cell md:py-2 md:pr-3';
  return (
    <div className="space-y-3">
      <ActionMessage state={state} />
      <table className="w-full text-sm">
        <caption className="sr-only">SCIM tokens</caption>
        <thead className="hidden text-left text-xs uppercase text-[var(--muted)] md:table-header-group">
          <tr>
            <th scope="col" className="py-2 pr-3">
              Name
            </th>
            <th scope="col" className="py-2 pr-3">
              Status
            </th>
            <th scope="col" className="py-2 pr-3">
              Created
            </th>
            <th scope="col" className="py-2 pr-3">
              Last used
            </th>
            <th scope="col" className="py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} className={ROW}>
              <td className={cell}>
                <span className="font-medium">{t.name}</span> <code className="text-xs text-[var(--muted)]">{t.prefix}…</code>
              </td>
              <td className={cell}>
                <Badge state={t.status === 'Active' ? 'Active' : 'Revoked'}>{t.status}</Badge>
                {t.revokedAt !== null && (
                  <span className="ml-1 text-xs">
                    <Time at={t.revokedAt} />
                  </span>
                )}
              </td>
              <td className={cell}>
                <span className="md:sr-only">Created </span>
                <Time at={t.createdAt} />
                {t.createdByName && <span className="text-xs text-[var(--muted)]"> by {t.createdByName}</span>}
              </td>
              <td className={cell}>
                <span className="md:sr-only">Last used </span>
                {t.lastUsedAt === null ? 'never' : <Time at={t.lastUsedAt} />}
              </td>
              <td className="block py-1 md:table-cell md:py-2 md:text-right">
                {t.status === 'Active' && (
                  <Button variant="secondary" onClick={() => setTarget(t)} aria-label={`Revoke ${t.name}`}>
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Modal
        open={target !== null}
        onClose={() => setTarget(null)}
        title={`Revoke "${target?.name ?? ''}"?`}
        description={
          "The identity provider's next call gets 401: nobody is created, changed or deprovisioned until it has a new token. " +
          'This cannot be undone.'
        }
      >
        <form action={formAction} className="flex flex-wrap justify-end gap-2">
          <input type="hidden" name="tokenId" value={target?.id ?? ''} />
          <Button variant="secondary" onClick={() => setTarget(null)}>
            Keep it
          </Button>
          <Button type="submit" variant="danger" disabled={pending}>
            {pending ? 'Revoking…' : 'Revoke token'}
          </Button>
        </form>
      </Modal>
    </div>
  );
}
