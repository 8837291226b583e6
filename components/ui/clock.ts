'use client';

import { useSyncExternalStore } from 'react';

/**
 * The browser's clock as React state, for client components that show or compare times.
 * Reading `Date.now()` while rendering makes a render impure (and a hydration mismatch when
 * the server's and the browser's clocks differ); an external store gives React one value per
 * render, ticks subscribers, and lets the server render say "not known yet" (null).
 */
const tickers = new Map<number, { now: number; listeners: Set<() => void>; timer: ReturnType<typeof setInterval> | null }>();

function ticker(tickMs: number) {
  let t = tickers.get(tickMs);
  if (!t) {
    t = { now: Date.now(), listeners: new Set(), timer: null };
    tickers.set(tickMs, t);
  }
  return t;
}

function subscribe(tickMs: number) {
  return (listener: () => void) => {
    const t = ticker(tickMs);
    t.listeners.add(listener);
    if (t.timer === null) {
      t.now = Date.now();
      t.timer = setInterval(() => {
        t.now = Date.now();
        for (const l of t.listeners) l();
      }, tickMs);
    }
    return () => {
      t.listeners.delete(listener);
      if (t.listeners.size === 0 && t.timer !== null) {
        clearInterval(t.timer);
        t.timer = null;
      }
    };
  };
}

const subscribers = new Map<number, (listener: () => void) => () => void>();
const subscriberFor = (tickMs: number) => {
  let s = subscribers.get(tickMs);
  if (!s) subscribers.set(tickMs, (s = subscribe(tickMs)));
  return s;
};

/** A snapshot fresh to within a second: stable across the renders of one commit, current when it matters. */
function snapshot(tickMs: number) {
  const t = ticker(tickMs);
  const real = Date.now();
  if (real - t.now > Math.min(tickMs, 1_000)) t.now = real;
  return t.now;
}

/** Now in the browser, updated every `tickMs`; null during the server render and hydration. */
export function useNow(tickMs = 30_000): number | null {
  return useSyncExternalStore(
    subscriberFor(tickMs),
    () => snapshot(tickMs),
    () => null,
  );
}

/** Now, updated every `tickMs`; on the server, the time of the render (server components pass theirs down where it matters). */
export function useClock(tickMs = 30_000): number {
  return useSyncExternalStore(
    subscriberFor(tickMs),
    () => snapshot(tickMs),
    () => snapshot(tickMs),
  );
}

const noop = () => () => {};

/** True once the component runs in the browser (false in the server render and during hydration). */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}
