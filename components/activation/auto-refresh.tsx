'use client';

import { useEffect } from 'react';
import { useRouter } from 'next/navigation';

/** Re-reads the server-rendered page every few seconds while it is visible, so lists stay live without a reload. */
export function AutoRefresh({ everyMs = 15_000 }: { everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === 'visible' && !document.querySelector('dialog[open]')) router.refresh();
    }, everyMs);
    return () => clearInterval(t);
  }, [router, everyMs]);
  return null;
}
