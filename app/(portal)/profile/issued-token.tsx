'use client';

import { CopyButton } from '@/components/ui/copy-button';
import { Notice } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';

/** The one time a token's secret is on screen: with a copy button and a plain warning. */
export function IssuedToken({ token, expiresAt }: { token: string; expiresAt: number }) {
  return (
    <Notice tone="warning" title="Copy this token now. Elevate keeps only a hash of it and cannot show it again.">
      <div className="mt-2 flex items-center gap-2">
        <code
          className="block min-w-0 flex-1 overflow-x-auto rounded bg-[var(--surface)] px-2 py-1 font-mono text-xs text-[var(--text)]"
          aria-label="New token"
        >
          {token}
        </code>
        <CopyButton value={token} label="Copy token" />
      </div>
      <p className="mt-2 text-xs">
        Expires <Time at={expiresAt} />.
      </p>
    </Notice>
  );
}
