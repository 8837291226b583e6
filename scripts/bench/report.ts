import type { Row } from './measure';

const ms = (v?: number) => (v === undefined || Number.isNaN(v) ? '' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const rate = (v?: number) => (v === undefined || Number.isNaN(v) ? '' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
export const size = (b?: number) =>
  b === undefined || Number.isNaN(b)
    ? ''
    : b >= 1048576
      ? `${(b / 1048576).toFixed(1)} MB`
      : b >= 1024
        ? `${(b / 1024).toFixed(1)} KB`
        : `${b} B`;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One markdown table: rows = measurements, columns = n, p50/p95/p99 (ms), req/s, size, server CPU per request. */
export function table(rows: Row[]): string {
  const out = [
    '| measurement | n | p50 ms | p95 ms | p99 ms | req/s | size | CPU ms/req | notes |',
    '|---|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  let section = '';
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      out.push(`| **${cell(section)}** | | | | | | | | |`);
    }
    out.push(
      `| ${cell(r.name)} | ${r.n} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${rate(r.rps)} | ${size(r.size)} | ${ms(r.cpu)} | ${cell(r.note ?? '')} |`,
    );
  }
  return out.join('\n');
}
