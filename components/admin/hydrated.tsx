'use client';

import { useHydrated } from '@/components/ui/clock';
import { Button } from '@/components/ui/button';

/**
 * A list page of rows, each with confirm dialogs, would send the dialogs' HTML for every
 * row although none can be used before hydration: the server and the first paint get
 * the buttons alone (inert until hydrated), the dialogs mount in the browser.
 */
export { useHydrated };

/** The row's buttons as the server renders them: the same labels, disabled until the dialogs mount. */
export function InertButtons({
  labels,
  variant = 'secondary',
}: {
  labels: { label: string; variant?: 'secondary' | 'ghost' }[] | string[];
  variant?: 'secondary' | 'ghost';
}) {
  return (
    <>
      {labels.map((l) => {
        const b = typeof l === 'string' ? { label: l, variant } : { variant, ...l };
        return (
          <Button key={b.label} variant={b.variant} className="px-2 py-1 text-xs" disabled>
            {b.label}
          </Button>
        );
      })}
    </>
  );
}
