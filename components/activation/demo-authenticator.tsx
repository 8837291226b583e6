'use client';

import { useQuery } from '@tanstack/react-query';
import { demoAuthenticatorCode } from '@/app/(portal)/my-roles/actions';

/**
 * Demo mode only: a simulated authenticator app beside the MFA prompt, showing the
 * signed-in demo user their own current code (computed on the server). Renders nothing
 * for real accounts.
 */
export function DemoAuthenticator() {
  const { data } = useQuery({
    queryKey: ['demo-authenticator'],
    queryFn: () => demoAuthenticatorCode(),
    // refresh just after the 30-second step turns over
    refetchInterval: (q) => ((q.state.data?.secondsLeft ?? 5) + 0.5) * 1000,
    staleTime: 0,
  });
  if (!data) return null;
  return (
    <aside
      aria-label="Demo authenticator"
      className="rounded-md border border-dashed border-amber-400 bg-amber-50 p-3 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-50"
    >
      <p className="font-medium">Demo authenticator</p>
      <p className="text-xs">Stands in for the app on your phone, for demo accounts only.</p>
      <p className="mt-1 font-mono text-2xl tracking-widest" aria-live="polite">
        {data.code}
      </p>
      <p className="text-xs">New code in about {data.secondsLeft} s</p>
    </aside>
  );
}
