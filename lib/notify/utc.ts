const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "27 Nov 2026 10:04 UTC": the one way server-side text (errors, notifications, e-mails,
 * alerts) writes a moment. The server does not know the reader's time zone, so it says UTC;
 * pages render times on the client instead.
 */
export function utcStamp(at: number): string {
  const d = new Date(at);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}
