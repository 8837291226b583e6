import type { TimelineStep } from '@/lib/activation/requests-query';
import { Time } from '@/components/ui/time';

const DOT: Record<TimelineStep['state'], string> = {
  done: 'bg-indigo-600 border-indigo-600',
  current: 'bg-amber-400 border-amber-500 animate-pulse',
  upcoming: 'bg-[var(--surface)] border-slate-400',
};
const STATE_TEXT: Record<TimelineStep['state'], string> = { done: 'done', current: 'in progress', upcoming: 'not yet' };

/** submitted → MFA verified → approved → active → ended, as a vertical line of steps. */
export function RequestTimeline({ steps }: { steps: TimelineStep[] }) {
  return (
    <ol className="relative ml-2 border-l-2 border-[var(--border)]" aria-label="Request timeline">
      {steps.map((s, i) => (
        <li key={`${s.key}-${i}`} className="mb-5 ml-5 last:mb-0">
          <span aria-hidden="true" className={`absolute -left-[9px] mt-1 size-4 rounded-full border-2 ${DOT[s.state]}`} />
          <p className="font-medium">
            {s.label} <span className="sr-only">({STATE_TEXT[s.state]})</span>
          </p>
          {s.at !== null && (
            <p className="text-sm text-[var(--muted)]">
              <Time at={s.at} />
            </p>
          )}
          {s.detail && <p className="text-sm">{s.detail}</p>}
        </li>
      ))}
    </ol>
  );
}
