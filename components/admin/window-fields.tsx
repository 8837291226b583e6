'use client';

import { useEffect, useId, useState } from 'react';
import { inputClass, FieldErrors } from '@/components/ui/field';

/** datetime-local works in the viewer's zone; the server gets epoch ms in hidden inputs. */
export const toLocalInput = (ms: number) => {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const fromLocalInput = (s: string) => (s ? new Date(s).getTime() : NaN);

/** Start and end of an assignment window, with the permanent option when the settings allow it. */
export function WindowFields({
  permanentAllowed,
  maxDays,
  errors,
  defaultStart,
  defaultEnd,
  defaultPermanent = false,
  onChange,
}: {
  permanentAllowed: boolean;
  maxDays: number;
  errors?: Record<string, string[] | undefined>;
  defaultStart?: number;
  defaultEnd?: number | null;
  defaultPermanent?: boolean;
  onChange?: (w: { permanent: boolean; start: number; end: number | null }) => void;
}) {
  const id = useId();
  const [permanent, setPermanent] = useState(defaultPermanent && permanentAllowed);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  // set on the client only: the viewer's zone is not known during server rendering
  useEffect(() => {
    const s = defaultStart ?? Date.now();
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the browser's zone exists only after hydration
    setStart(toLocalInput(s));
    setEnd(toLocalInput(defaultEnd ?? s + Math.min(maxDays, 30) * 86_400_000));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // a scope whose settings forbid permanent assignments turns the choice off (adjusted while rendering)
  if (!permanentAllowed && permanent) setPermanent(false);
  const startMs = fromLocalInput(start);
  const endMs = fromLocalInput(end);
  useEffect(() => {
    onChange?.({ permanent, start: startMs, end: permanent ? null : endMs });
  }, [permanent, startMs, endMs, onChange]);
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Duration</legend>
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name="duration"
            value="permanent"
            checked={permanent}
            disabled={!permanentAllowed}
            onChange={() => setPermanent(true)}
          />
          Permanent
        </label>
        <label className="inline-flex items-center gap-2">
          <input type="radio" name="duration" value="bound" checked={!permanent} onChange={() => setPermanent(false)} />
          Time-bound
        </label>
      </div>
      {!permanentAllowed && (
        <p className="text-xs text-[var(--muted)]">Permanent is not allowed by this scope&apos;s settings; at most {maxDays} days.</p>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={`${id}-s`} className="block text-sm font-medium">
            Start
          </label>
          <input
            id={`${id}-s`}
            type="datetime-local"
            value={start}
            onChange={(e) => setStart(e.target.value)}
            className={inputClass}
            aria-invalid={errors?.startAt?.length ? true : undefined}
          />
          <input type="hidden" name="startAt" value={Number.isFinite(startMs) ? String(startMs) : ''} />
          <FieldErrors errors={errors?.startAt} />
        </div>
        {!permanent && (
          <div className="space-y-1">
            <label htmlFor={`${id}-e`} className="block text-sm font-medium">
              End
            </label>
            <input
              id={`${id}-e`}
              type="datetime-local"
              value={end}
              onChange={(e) => setEnd(e.target.value)}
              className={inputClass}
              aria-invalid={errors?.endAt?.length ? true : undefined}
              aria-describedby={errors?.endAt?.length ? `${id}-ee` : undefined}
            />
            <input type="hidden" name="endAt" value={Number.isFinite(endMs) ? String(endMs) : ''} />
          </div>
        )}
      </div>
      <FieldErrors id={`${id}-ee`} errors={errors?.endAt} />
    </fieldset>
  );
}
