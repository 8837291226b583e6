'use client';

import { useActionState, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/card';
import { ActionMessage } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';
import { Modal } from '@/components/activation/modal';
import { revokeTokenAction } from './actions';

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
  status: 'Active' | 'Expired' | 'Revoked';
  stepUp: boolean;
}

/** The caller's tokens: a table on wide screens, cards on a phone; revoking asks first. */
export function TokenList({ tokens }: { tokens: TokenRow[] }) {
  const [target, setTarget] = useState<TokenRow | null>(null);
  const [state, formAction, pending] = useActionState(revokeTokenAction, null);
  // an answer that arrived closes the dialog: adjusted while rendering, once per answer
  const [seen, setSeen] = useState(state);
  if (seen !== state) {
    setSeen(state);
    if (state?.ok) setTarget(null);
  }
  if (tokens.length === 0) {
    return (
      <EmptyState>
        You have no API tokens yet. Create one above to call Elevate from scripts, <code>az rest</code> or the Azure SDKs.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-3">
      <ActionMessage state={state} />
      <table className="w-full text-sm">
        <caption className="sr-only">Your API tokens</caption>
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
              Expires
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
            <tr
              key={t.id}
              className="mb-3 block rounded-md border border-[var(--border)] p-3 md:mb-0 md:table-row md:rounded-none md:border-0 md:border-t md:p-0"
            >
              <td className="block py-1 md:table-cell md:py-2 md:pr-3">
                <span className="font-medium">{t.name}</span> <code className="text-xs text-[var(--muted)]">{t.prefix}…</code>
                {t.stepUp && (
                  <>
                    {' '}
                    <Badge state="Scheduled">MFA step-up</Badge>
                  </>
                )}
              </td>
              <td className="block py-1 md:table-cell md:py-2 md:pr-3">
                <Badge state={t.status === 'Active' ? 'Active' : t.status}>{t.status}</Badge>
              </td>
              <td className="block py-1 md:table-cell md:py-2 md:pr-3">
                <span className="md:sr-only">Created </span>
                <Time at={t.createdAt} />
              </td>
              <td className="block py-1 md:table-cell md:py-2 md:pr-3">
                <span className="md:sr-only">Expires </span>
                <Time at={t.expiresAt} />
              </td>
              <td className="block py-1 md:table-cell md:py-2 md:pr-3">
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
        description="Scripts and pipelines using this token get 401 from their next call. This cannot be undone; create a new token if you need one again."
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
