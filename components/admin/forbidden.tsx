import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';

/**
 * What someone without PIM management access sees instead of an admin page. It says
 * why and what to do; an eligible Owner / User Access Administrator is told to activate.
 */
export function Forbidden({ reason, hint }: { reason?: string; hint?: string }) {
  return (
    <section
      aria-labelledby="forbidden-title"
      className="mx-auto max-w-xl rounded-lg border border-red-300 bg-[var(--surface)] p-6 shadow-sm dark:border-red-800"
    >
      <p className="text-sm font-semibold text-red-700 dark:text-red-400">403 · Forbidden</p>
      <h1 id="forbidden-title" className="mt-1 text-xl font-semibold">
        You don&apos;t have PIM management access here
      </h1>
      <p className="mt-2 text-sm">
        {reason ??
          'Managing PIM needs an active Owner or User Access Administrator assignment at this scope or above, or the tenant PIM administrator role.'}
      </p>
      {hint && <p className="mt-2 text-sm font-medium">{hint}</p>}
      <div className="mt-4 flex flex-wrap gap-2">
        <Link href="/my-roles" className={buttonClass('primary')}>
          Go to My roles
        </Link>
        <Link href="/" className={buttonClass('secondary')}>
          Home
        </Link>
      </div>
    </section>
  );
}
