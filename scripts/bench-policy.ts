/**
 * Policy engine benchmark (not a test: figures depend on the machine).
 *   node --expose-gc --import tsx scripts/bench-policy.ts
 *   (BENCH_SKIP_CEDAR=1 for the engine figures only)
 * Generates the enterprise tenant deterministically, times the index build and the hot
 * queries, then times Cedar's isAuthorized (pre-parsed policy set) on the same queries at
 * the largest scale it handles in reasonable time, and prints ratios.
 */
import { cpus, loadavg } from 'node:os';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import {
  activationOptions,
  activationScopeOption,
  alerts,
  buildPolicyIndex,
  evaluateActivation,
  hasRole,
  type PolicyIndex,
  type PrincipalRef,
  type TenantSnapshot,
} from '../lib/policy';
import { encodeTenant, requestFor, type CedarQuery } from '../lib/policy/testing/cedar';
import { generateTenant, prng } from '../lib/policy/testing/generate';

const NOW = Date.UTC(2025, 0, 15, 9, 0);
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const heap = () => (gc?.(), gc?.(), process.memoryUsage().heapUsed);

interface Stats {
  median: number;
  p99: number;
  mean: number;
  cpuMean: number;
  batchMedian: number;
  n: number;
}
const BATCH = 100;
/**
 * Time each call on its own (µs), after a warm-up so the JIT has settled. The median and
 * p99 come from these single-call timings (first timed pass). Each includes one pair of
 * process.hrtime.bigint() calls (timerOverhead, printed at the start: ~0.1 µs here).
 * cpu-mean (second pass) and the batch figure (third pass: BATCH consecutive calls per
 * timing, median of the per-call batch means) re-run the same items, so their data is
 * warm in cache: they are lower bounds, not the headline.
 */
function measure<T>(items: T[], fn: (x: T) => unknown, warm = true): Stats {
  // warm-up on the first 2,000 items only: enough for the JIT, while most of the timed
  // items' data has not been touched since the build (a full warm-up pass over the same
  // items would leave their data in cache and flatter the figures, see docs/benchmarks.md)
  if (warm) for (const x of items.slice(0, Math.min(items.length, 2000))) fn(x);
  const t: number[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const a = process.hrtime.bigint();
    fn(items[i]);
    t[i] = Number(process.hrtime.bigint() - a) / 1000;
  }
  t.sort((x, y) => x - y);
  // second pass timed by this process's CPU time: on a shared, oversubscribed machine the
  // wall-clock figures include time other processes held the core; CPU time does not
  const c0 = process.cpuUsage();
  for (let i = 0; i < items.length; i++) fn(items[i]);
  const c1 = process.cpuUsage(c0);
  // third pass: batches of BATCH calls, per-call mean of each batch
  const b: number[] = [];
  for (let i = 0; i + BATCH <= items.length; i += BATCH) {
    const a = process.hrtime.bigint();
    for (let j = i; j < i + BATCH; j++) fn(items[j]);
    b.push(Number(process.hrtime.bigint() - a) / 1000 / BATCH);
  }
  b.sort((x, y) => x - y);
  return {
    median: t[Math.floor(t.length / 2)],
    p99: t[Math.floor(t.length * 0.99)],
    mean: t.reduce((s, x) => s + x, 0) / t.length,
    cpuMean: (c1.user + c1.system) / items.length,
    batchMedian: b.length >= 10 ? b[Math.floor(b.length / 2)] : NaN,
    n: t.length, // NaN: too few batches (< 1,000 items)
  };
}
const fmt = (s: Stats) =>
  `median ${s.median.toFixed(2)} µs  p99 ${s.p99.toFixed(2)} µs  cpu-mean ${s.cpuMean.toFixed(2)} µs  ` +
  `batch-${BATCH} median ${s.batchMedian.toFixed(2)} µs  (n=${s.n})`;

/** What one single-call timing costs with nothing in between (the floor of every single-call figure). */
function timerOverhead(): number {
  const n = 100_000;
  const t: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    t[i] = Number(process.hrtime.bigint() - a) / 1000;
  }
  t.sort((x, y) => x - y);
  return t[n >> 1];
}

function hasRoleQueries(snap: TenantSnapshot, n: number, seed: number): CedarQuery[] {
  const rnd = prng(seed);
  const active = snap.schedules.filter((s) => s.kind === 'active');
  const principals: PrincipalRef[] = snap.users.map((u) => ({ type: 'User', id: u.id }));
  const out: CedarQuery[] = [];
  for (let i = 0; i < n; i++) {
    // half aimed at real assignments (so allows are exercised), half uniformly random
    const near = rnd() < 0.5 ? active[Math.floor(rnd() * active.length)] : null;
    out.push({
      principal: near ? near.principal : principals[Math.floor(rnd() * principals.length)],
      roleId: near ? near.roleId : snap.roles[Math.floor(rnd() * snap.roles.length)].id,
      resourceId: near && rnd() < 0.5 ? near.scopeId : snap.resources[Math.floor(rnd() * snap.resources.length)].id,
      at: NOW,
    });
  }
  return out;
}

/** A random managed scope at or below the eligibility, found by walking down a few random children. */
function activationQueries(index: PolicyIndex, snap: TenantSnapshot, n: number, seed: number) {
  const rnd = prng(seed);
  const out: Parameters<typeof evaluateActivation>[1][] = [];
  const users = snap.users.filter((u) => !u.disabled);
  let guard = 0;
  while (out.length < n && guard++ < n * 50) {
    const u = users[Math.floor(rnd() * users.length)];
    const mine = [...(index.schedulesByUser.get(u.id) ?? [])];
    for (const g of index.groupsByUser.get(u.id) ?? []) mine.push(...(index.schedulesByGroup.get(g) ?? []));
    const eligs = mine.filter((s) => s.kind === 'eligible');
    if (!eligs.length) continue;
    const e = eligs[Math.floor(rnd() * eligs.length)];
    let node = index.resources.get(e.scopeId)!;
    for (let d = Math.floor(rnd() * 4); d > 0 && node.children.length; d--) node = node.children[Math.floor(rnd() * node.children.length)];
    out.push({
      userId: u.id,
      eligibilityId: e.id,
      scopeId: node.fact.id,
      startAt: NOW,
      durationMinutes: 60,
      justification: 'bench',
      ticketNumber: 'INC1',
      ticketSystem: 'SN',
      mfaVerifiedAt: NOW,
      now: NOW,
    });
  }
  return out;
}

function cedarRun(snap: TenantSnapshot, queries: CedarQuery[], id: string) {
  const enc = encodeTenant(snap);
  const t0 = performance.now();
  const parsed = cedar.preparsePolicySet(id, { staticPolicies: enc.policies });
  if (parsed.type !== 'success') throw new Error(JSON.stringify(parsed.errors));
  const parseMs = performance.now() - t0;
  const calls = queries.map((q) => ({ ...requestFor(enc, q), preparsedPolicySetId: id }));
  const stats = measure(calls, (c) => cedar.statefulIsAuthorized(c), true);
  // decisions counted in a separate pass so the warm-up does not double count
  let allow = 0;
  for (const c of calls) {
    const r = cedar.statefulIsAuthorized(c);
    if (r.type !== 'success') throw new Error(JSON.stringify(r.errors));
    if (r.response.decision === 'allow') allow++;
  }
  return { stats, parseMs, policies: Object.keys(enc.policies).length, allow };
}

function main() {
  console.log(
    `node ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model}; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; gc exposed: ${!!gc}`,
  );
  console.log(`timer overhead (empty hrtime.bigint pair, median): ${timerOverhead().toFixed(3)} µs`);
  const shape = {
    resources: 100_000,
    users: 20_000,
    groups: 2_000,
    schedules: 200_000,
    settings: 5_000,
    requests: 2_000,
    seed: 42,
    now: NOW,
  };
  const tg = performance.now();
  const snap = generateTenant(shape);
  console.log(`generated enterprise tenant in ${(performance.now() - tg).toFixed(0)} ms: ${JSON.stringify({ ...shape, now: undefined })}`);
  const h0 = heap();
  const tb = performance.now();
  const cb = process.cpuUsage();
  const index = buildPolicyIndex(snap);
  const buildCpu = process.cpuUsage(cb);
  const buildMs = performance.now() - tb;
  const h1 = heap();
  console.log(
    `buildPolicyIndex: ${buildMs.toFixed(0)} ms wall, ${((buildCpu.user + buildCpu.system) / 1000).toFixed(0)} ms CPU; ` +
      `heap: snapshot ${mb(h0)}, +index ${mb(h1 - h0)}, total ${mb(h1)}`,
  );

  const hq = hasRoleQueries(snap, 50_000, 7);
  const hasRoleStats = measure(hq, (q) => hasRole(index, q.principal, q.roleId, q.resourceId, q.at));
  console.log(
    `hasRole                 ${fmt(hasRoleStats)}  allow=${hq.filter((q) => hasRole(index, q.principal, q.roleId, q.resourceId, q.at)).length}`,
  );
  const aq = activationQueries(index, snap, 20_000, 8);
  const evalStats = measure(aq, (q) => evaluateActivation(index, q));
  console.log(`evaluateActivation      ${fmt(evalStats)}  ok=${aq.filter((q) => evaluateActivation(index, q).ok).length}`);
  const scopeStats = measure(aq, (q) => activationScopeOption(index, q.userId, q.eligibilityId, q.scopeId, q.now));
  console.log(`activationScopeOption   ${fmt(scopeStats)}`);
  const users = snap.users.slice(0, 300).map((u) => u.id);
  const optStats = measure(users, (u) => activationOptions(index, u, NOW, { scopeLimit: 100 }), false);
  console.log(`activationOptions (≤100 scopes per eligibility) ${fmt(optStats)}`);
  const fullStats = measure(users.slice(0, 40), (u) => activationOptions(index, u, NOW), false);
  console.log(`activationOptions (every scope, unbounded)      ${fmt(fullStats)}`);

  const ta = performance.now();
  const al = alerts(index, NOW);
  console.log(`alerts (whole tenant, admin view): ${(performance.now() - ta).toFixed(0)} ms, ${al.length} alerts`);

  // Cedar evaluates every policy per request, so its cost grows with the number of active
  // assignments. Grow the tenant until a call gets slow, comparing on identical queries.
  // Measured: ~3 ms per call at 1k resources / ~800 policies, ~45 ms at 10k / ~8k policies;
  // the enterprise tenant (~80k policies) would take ~0.5 s per call and minutes to
  // preparse, so it is left out and the largest scale is 10k resources.
  const cedarScales = [
    { resources: 1_000, users: 200, groups: 20, schedules: 2_000, n: 2_000 },
    { resources: 10_000, users: 2_000, groups: 200, schedules: 20_000, n: 200 },
  ];
  if (process.env.BENCH_SKIP_CEDAR) return; // engine-only run (Cedar part takes minutes on a busy machine)
  for (const [i, sc] of cedarScales.entries()) {
    const s = generateTenant({ ...sc, settings: 0, seed: 42, now: NOW });
    const idx = buildPolicyIndex(s);
    const n = sc.n;
    const qs = hasRoleQueries(s, n, 9);
    const mine = measure(qs, (q) => hasRole(idx, q.principal, q.roleId, q.resourceId, q.at));
    const t0 = performance.now();
    const c = cedarRun(s, qs, `bench-${i}`);
    const agree = qs.filter((q) => hasRole(idx, q.principal, q.roleId, q.resourceId, q.at)).length === c.allow;
    console.log(
      `load average now ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `Cedar @ ${sc.resources} resources / ${c.policies} policies: preparse ${c.parseMs.toFixed(0)} ms; isAuthorized ${fmt(c.stats)}; hasRole ${fmt(mine)}`,
    );
    console.log(
      `   ratio (median): Cedar/hasRole ${(c.stats.median / mine.median).toFixed(0)}x, ` +
        `Cedar/evaluateActivation(enterprise) ${(c.stats.median / evalStats.median).toFixed(0)}x; ` +
        `allow counts agree: ${agree}; took ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
}

main();
