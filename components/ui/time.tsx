'use client';

import { useNow } from './clock';

const UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
];

/** "2 h 13 min", "3 d 4 h", "less than a minute" */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 60_000) return 'less than a minute';
  const parts: string[] = [];
  let rest = abs;
  for (const [size, unit] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${unit}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

export function relative(at: number, now: number, past = 'ago'): string {
  const d = at - now;
  return d >= 0 ? `in ${formatDuration(d)}` : `${formatDuration(d)} ${past}`;
}

/**
 * Time in two forms: relative ("ends in 2 h 13 min") and absolute in the viewer's time
 * zone (rendered on the client, where the zone is known). Stored times are UTC epoch ms.
 */
export function Time({ at, prefix, live = false }: { at: number | null; prefix?: string; live?: boolean }) {
  const now = useNow(live ? 1_000 : 30_000);
  if (at === null) return <span>{prefix ? `${prefix} never` : 'never'}</span>;
  const iso = new Date(at).toISOString();
  const absolute =
    now === null
      ? iso.replace('T', ' ').slice(0, 16) + ' UTC'
      : new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <time dateTime={iso} title={iso} suppressHydrationWarning>
      {prefix ? `${prefix} ` : ''}
      {now === null ? absolute : relative(at, now)}
      <span className="text-[var(--muted)]" suppressHydrationWarning>
        {now === null ? '' : ` (${absolute})`}
      </span>
    </time>
  );
}

/** A live countdown for active roles: "ends in 1 h 59 min". */
export function Countdown({ until, label = 'ends' }: { until: number | null; label?: string }) {
  const now = useNow(1_000);
  if (until === null) return <span>permanent</span>;
  if (now === null)
    return (
      <span suppressHydrationWarning>
        {label} {new Date(until).toISOString().slice(11, 16)} UTC
      </span>
    );
  return (
    <span role="timer" aria-live="off" suppressHydrationWarning>
      {until > now ? `${label} in ${formatDuration(until - now)}` : 'ended'}
    </span>
  );
}
