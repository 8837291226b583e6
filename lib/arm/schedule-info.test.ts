import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, scheduleInfoFromWindow, windowFromScheduleInfo } from './schedule-info';

const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);
const H = 3_600_000;

describe('ISO 8601 durations', () => {
  it('parses the forms Azure policies and scripts use', () => {
    expect(parseDuration('PT8H')).toBe(480);
    expect(parseDuration('PT1H30M')).toBe(90);
    expect(parseDuration('P365D')).toBe(365 * 1440);
    expect(parseDuration('P1W')).toBe(7 * 1440);
    expect(parseDuration('P1Y')).toBe(365 * 1440);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['8h', 'P', 'PT', 'PT0M', '']) expect(() => parseDuration(bad)).toThrow(/duration/);
  });

  it('formats minutes back to the shortest form, round-tripping', () => {
    expect(formatDuration(480)).toBe('PT8H');
    expect(formatDuration(90)).toBe('PT1H30M');
    expect(formatDuration(30)).toBe('PT30M');
    expect(formatDuration(180 * 1440)).toBe('P180D');
    expect(formatDuration(1440 + 60)).toBe('P1DT1H');
    for (const m of [5, 45, 480, 1441, 525600]) expect(parseDuration(formatDuration(m))).toBe(m);
  });
});

describe('scheduleInfo ⇄ window', () => {
  it('AfterDuration starts now unless a start is given', () => {
    expect(windowFromScheduleInfo({ expiration: { type: 'AfterDuration', duration: 'PT2H' } }, NOW)).toEqual({
      startAt: NOW,
      endAt: NOW + 2 * H,
      durationMinutes: 120,
      expirationGiven: true,
    });
    const w = windowFromScheduleInfo({ startDateTime: '2026-11-28T10:00:00Z', expiration: { duration: 'PT1H' } }, NOW);
    expect([w.startAt, w.endAt]).toEqual([Date.UTC(2026, 10, 28, 10), Date.UTC(2026, 10, 28, 11)]);
  });

  it('AfterDateTime and NoExpiration', () => {
    expect(windowFromScheduleInfo({ expiration: { type: 'AfterDateTime', endDateTime: '2026-12-01T00:00:00Z' } }, NOW).endAt).toBe(
      Date.UTC(2026, 11, 1),
    );
    expect(windowFromScheduleInfo({ expiration: { type: 'NoExpiration' } }, NOW)).toMatchObject({ endAt: null, expirationGiven: true });
    expect(windowFromScheduleInfo(undefined, NOW)).toMatchObject({ startAt: NOW, endAt: null, expirationGiven: false });
  });

  it('refuses an end before the start, a missing duration and a non-date', () => {
    expect(() => windowFromScheduleInfo({ expiration: { type: 'AfterDateTime', endDateTime: '2026-01-01T00:00:00Z' } }, NOW)).toThrow(
      /after the start/,
    );
    expect(() => windowFromScheduleInfo({ expiration: { type: 'AfterDuration' } }, NOW)).toThrow(/needs expiration.duration/);
    expect(() => windowFromScheduleInfo({ startDateTime: 'tomorrow' }, NOW)).toThrow(/ISO 8601/);
  });

  it('reports the window the way it was asked for', () => {
    expect(scheduleInfoFromWindow({ startAt: NOW, endAt: NOW + 8 * H, durationMinutes: 480 }).expiration).toEqual({
      type: 'AfterDuration',
      duration: 'PT8H',
      endDateTime: null,
    });
    expect(scheduleInfoFromWindow({ startAt: NOW, endAt: NOW + H, durationMinutes: null }).expiration).toEqual({
      type: 'AfterDateTime',
      duration: null,
      endDateTime: new Date(NOW + H).toISOString(),
    });
    expect(scheduleInfoFromWindow({ startAt: NOW, endAt: null, durationMinutes: null }).expiration.type).toBe('NoExpiration');
  });
});
