import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';

/**
 * A request that does not exist or that the viewer may not see, rendered as the page itself
 * (not a 404 status, which the browser would log as a console error; ADR 125). Both cases read
 * the same, so the page does not tell whether a request id exists.
 */
export function NoSuchRequest({ back }: { back: { href: string; label: string } }) {
  return (
    <section
      aria-labelledby="no-request"
      className="mx-auto max-w-xl rounded-lg border border-[var(--border)] bg-[var(--surface)] p-6 shadow-sm"
    >
      <p className="text-sm font-semibold text-[var(--muted)]">404 · Not found</p>
      <h1 id="no-request" className="mt-1 text-xl font-semibold">
        No such request
      </h1>
      <p className="mt-2 text-sm">
        It does not exist, or it is not yours to see: a request shows to its requester, its approvers and the administrators of its scope.
      </p>
      <div className="mt-4 flex gap-2">
        <Link href={back.href} className={buttonClass('primary')}>
          {back.label}
        </Link>
        <Link href="/" className={buttonClass('secondary')}>
          Home
        </Link>
      </div>
    </section>
  );
}
