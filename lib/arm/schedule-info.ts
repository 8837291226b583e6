import { badRequest } from './errors';

/** ARM's scheduleInfo: a start and an expiration of one of three kinds. */
export interface ScheduleInfo {
  startDateTime?: string | null;
  expiration?: {
    type?: 'AfterDuration' | 'AfterDateTime' | 'NoExpiration' | null;
    endDateTime?: string | null;
    duration?: string | null;
  } | null;
}

export interface Window {
  startAt: number;
  /** null = permanent (NoExpiration) */
  endAt: number | null;
  /** set when the expiration was given as a duration */
  durationMinutes: number | null;
}

const MIN = 60_000;
const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/**
 * ISO 8601 duration → minutes. Years count 365 days and months 30 days (Azure's own
 * policies speak in days and hours; these are here so `P1Y` does not surprise anyone).
 */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === 'P' || /T$/i.test(text.trim())) {
    throw badRequest('InvalidDuration', `"${text}" is not an ISO 8601 duration such as PT8H, PT30M or P365D.`);
  }
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  const minutes = ((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi + s / 60;
  if (minutes <= 0) throw badRequest('InvalidDuration', `The duration "${text}" must be longer than zero.`);
  return Math.round(minutes);
}

/** minutes → the shortest ISO 8601 duration ("PT8H", "PT1H30M", "P365D"). */
export function formatDuration(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (days > 0 && h === 0 && m === 0) return `P${days}D`;
  return `P${days > 0 ? `${days}D` : ''}T${h > 0 ? `${h}H` : ''}${m > 0 || (h === 0 && days === 0) ? `${m}M` : ''}`;
}

function parseTime(text: string, what: string): number {
  // ISO 8601 with a date and a time; Date.parse alone also accepts "1" or "March"
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text))
    throw badRequest('InvalidDateTime', `${what} "${text}" is not an ISO 8601 date-time such as 2026-11-27T09:00:00Z.`);
  const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : text + 'Z');
  if (Number.isNaN(t)) throw badRequest('InvalidDateTime', `${what} "${text}" is not a valid date-time.`);
  return t;
}

/** scheduleInfo → the requested window. A missing start means now; a missing expiration means none was given. */
export function windowFromScheduleInfo(info: ScheduleInfo | null | undefined, now: number): Window & { expirationGiven: boolean } {
  const startAt = info?.startDateTime ? parseTime(info.startDateTime, 'scheduleInfo.startDateTime') : now;
  const exp = info?.expiration;
  if (!exp || (!exp.type && !exp.duration && !exp.endDateTime))
    return { startAt, endAt: null, durationMinutes: null, expirationGiven: false };
  const type = exp.type ?? (exp.duration ? 'AfterDuration' : 'AfterDateTime');
  switch (type) {
    case 'NoExpiration':
      return { startAt, endAt: null, durationMinutes: null, expirationGiven: true };
    case 'AfterDuration': {
      if (!exp.duration)
        throw badRequest('InvalidScheduleInfo', 'scheduleInfo.expiration.type AfterDuration needs expiration.duration (e.g. PT8H).');
      const minutes = parseDuration(exp.duration);
      return { startAt, endAt: startAt + minutes * MIN, durationMinutes: minutes, expirationGiven: true };
    }
    case 'AfterDateTime': {
      if (!exp.endDateTime)
        throw badRequest('InvalidScheduleInfo', 'scheduleInfo.expiration.type AfterDateTime needs expiration.endDateTime.');
      const endAt = parseTime(exp.endDateTime, 'scheduleInfo.expiration.endDateTime');
      if (endAt <= startAt) throw badRequest('InvalidScheduleInfo', 'scheduleInfo.expiration.endDateTime must be after the start.');
      return { startAt, endAt, durationMinutes: null, expirationGiven: true };
    }
    default:
      throw badRequest(
        'InvalidScheduleInfo',
        `scheduleInfo.expiration.type "${String(type)}" is not one of AfterDuration, AfterDateTime, NoExpiration.`,
      );
  }
}

const iso = (t: number) => new Date(t).toISOString();

/** The window as ARM reports it back: the way it was asked for (a duration, or an end). */
export function scheduleInfoFromWindow(
  w: Window,
): Required<Pick<ScheduleInfo, 'startDateTime'>> & { expiration: { type: string; endDateTime: string | null; duration: string | null } } {
  if (w.endAt === null) return { startDateTime: iso(w.startAt), expiration: { type: 'NoExpiration', endDateTime: null, duration: null } };
  if (w.durationMinutes !== null) {
    return {
      startDateTime: iso(w.startAt),
      expiration: { type: 'AfterDuration', endDateTime: null, duration: formatDuration(w.durationMinutes) },
    };
  }
  return { startDateTime: iso(w.startAt), expiration: { type: 'AfterDateTime', endDateTime: iso(w.endAt), duration: null } };
}
