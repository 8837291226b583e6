import fs from 'node:fs';
import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { actionId, callFormAction } from './action';
import { approve, AUTH, expectApproved, expectStatus, putRequest, ROLE, V } from './arm';
import type { Options } from './cli';
import { armError, armGet, armSend, call, signIn, type Answer } from './client';
import { load, sequential, summarise, type Row, type SeqResult } from './measure';
import { startServer, type BenchServer } from './server';
import {
  addBenchUsers,
  checkDbFile,
  copySecrets,
  copyTenant,
  DEMO_EMAILS,
  mintTokens,
  tenantFacts,
  type Persona,
  type TenantFacts,
} from './tenant';

const DEMO_PASSWORD = 'elevate-demo';
const DEMO_TOTP = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32('JBSWY3DPEHPK3PXP') });
/** requesters kept free of any active role, for the cross-process reads */
const RAW_USERS = 10;
/** how many approvals the bulk decision settles at once (the portal's limit) */
const BULK = 100;
/** pending requests left in Avery's inbox after the approvals, so her inbox page is not empty */
const LEFT_PENDING = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Base {
  root: string;
  distDir: string;
  work: string;
  opts: Options;
  log: (s: string) => void;
  rows: Row[];
}

export interface Tenant {
  dbFile: string;
  facts: TenantFacts;
  benchUsers: string[];
  /** personal API token of every persona and requester, by user id */
  tokens: Map<string, string>;
}

export interface Ctx extends Base {
  tenant: Tenant;
  servers: BenchServer[];
  a: BenchServer;
  cookies: Record<Exclude<Persona, 'sam'>, string>;
  /** figures other phases compare against */
  idle: Map<string, Row>;
}

const persona = (ctx: { tenant: Tenant }, p: Persona) => ctx.tenant.facts.personas[p];
const tokenOf = (ctx: { tenant: Tenant }, userId: string) => ctx.tenant.tokens.get(userId)!;

function seqRow(section: string, name: string, r: SeqResult, note = '', cpu?: number): Row {
  const s = summarise(r.ms);
  const fail = r.failures ? `${r.failures} refused (first: ${r.firstFailure})` : '';
  return {
    section,
    name,
    ...s,
    cpu: cpu === undefined ? undefined : cpu / Math.max(1, r.ms.length),
    note: [note, fail].filter(Boolean).join('; '),
  };
}

/** Runs `f` and returns its result with the CPU ms the server spent meanwhile. */
async function withCpu<T>(server: BenchServer, f: () => Promise<T>): Promise<[T, number]> {
  const c0 = server.cpuMs();
  const r = await f();
  return [r, server.cpuMs() - c0];
}

/** The working copy: the given tenant (or a fresh demo one), migrated by a first start, plus requesters and tokens. */
export async function prepareTenant(b: Base): Promise<Tenant> {
  const dbFile = path.join(b.work, 'elevate.db');
  if (b.opts.db) {
    const src = path.resolve(b.opts.db);
    checkDbFile(src);
    const t0 = performance.now();
    await copyTenant(src, dbFile);
    // the key that sealed the demo users' TOTP secrets: --data-dir, else beside the file, else where seed:scale keeps it
    const dirs = b.opts.dataDir ? [b.opts.dataDir] : [path.dirname(src), process.env.ELEVATE_DATA_DIR || path.join(b.root, 'data')];
    const from = dirs.map((d) => path.resolve(d)).find((d) => fs.existsSync(path.join(d, 'encryption-key')));
    const secrets = from ? copySecrets(from, b.work) : [];
    const keyNote = secrets.length
      ? ` with ${from}/{${secrets.join(',')}}`
      : process.env.ELEVATE_ENCRYPTION_KEY
        ? ' (ELEVATE_ENCRYPTION_KEY from the environment)'
        : ` (no encryption-key in ${dirs.join(' or ')}: the TOTP step-up will be refused)`;
    b.log(`copied ${src} in ${((performance.now() - t0) / 1000).toFixed(1)} s${keyNote}`);
  }
  b.log('first start: applies migrations the copy lacks' + (b.opts.db ? '' : ' and seeds the demo tenant'));
  const prep = await startServer({ root: b.root, distDir: b.distDir, dataDir: b.work, dbFile, name: 'prepare', timeoutMs: 900_000 });
  b.rows.push({
    section: 'start',
    name: b.opts.db ? 'first start on the copy (applies new migrations)' : 'first start on an empty file (migrations, demo seed)',
    n: 1,
    p50: prep.startMs,
  });
  await prep.stop();

  const facts = tenantFacts(dbFile);
  const active = Math.max(b.opts.ops, Math.ceil((b.opts.ops + BULK + LEFT_PENDING) / 2));
  const benchUsers = addBenchUsers(dbFile, active + RAW_USERS, facts.tenantId, facts.personas.jen);
  const tokens = mintTokens(dbFile, [...Object.values(facts.personas), ...benchUsers], false);
  b.log(
    `tenant: ${Object.entries(facts.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}; added ${benchUsers.length} requesters`,
  );
  return { dbFile, facts, benchUsers, tokens };
}

function permissionsPath(scope: string) {
  return `${scope}${AUTH}/permissions?api-version=2022-04-01`;
}

/** Server A: start to first answer, the first API read (the engine index is built on demand), sign-ins, the first page. */
export async function startAndFirstAnswers(b: Base & { tenant: Tenant; servers: BenchServer[] }): Promise<Ctx> {
  const a = await startServer({
    root: b.root,
    distDir: b.distDir,
    dataDir: b.work,
    dbFile: b.tenant.dbFile,
    name: 'a',
    timeoutMs: 900_000,
  });
  b.servers.push(a);
  b.rows.push({ section: 'start', name: 'start to first answer (`scripts/serve.mjs` → `/api/health` 200)', n: 1, p50: a.startMs });
  b.log(`server a on ${a.url} answered after ${a.startMs.toFixed(0)} ms`);
  const ctx: Ctx = { ...b, a, cookies: { steve: '', jen: '', avery: '' }, idle: new Map() };

  const first = await armGet(a.url, tokenOf(ctx, persona(ctx, 'sam')), permissionsPath(b.tenant.facts.rgs['finance-dev']));
  b.rows.push({
    section: 'start',
    name: 'first API read after start (permissions, Sam)',
    n: 1,
    p50: first.ms,
    size: first.bytes,
    note: first.status === 200 ? '' : armError(first),
  });

  const signInMs: number[] = [];
  for (const p of ['steve', 'jen', 'avery'] as const) {
    const t0 = performance.now();
    ctx.cookies[p] = await signIn(a.url, DEMO_EMAILS[p], DEMO_PASSWORD);
    signInMs.push(performance.now() - t0);
  }
  b.rows.push({ section: 'start', name: 'sign-in (CSRF token + credentials callback)', ...summarise(signInMs) });

  const page = await call(`${a.url}/admin`, { headers: { cookie: ctx.cookies.steve } });
  b.rows.push({
    section: 'start',
    name: 'first page render (Admin home, cold)',
    n: 1,
    p50: page.ms,
    size: page.bytes,
    note: page.status === 200 ? '' : `status ${page.status}`,
  });
  return ctx;
}

/** The write path through the API, one request at a time, each measurement within --budget seconds. */
export async function writes(ctx: Ctx): Promise<void> {
  const { a, tenant, opts, rows, log } = ctx;
  const f = tenant.facts;
  const S = 'writes (API, sequential)';
  const budget = opts.budget * 1000;
  const short = (r: SeqResult) => (r.stoppedAfterBudget ? `stopped after the ${opts.budget} s budget` : '');
  const steve = tokenOf(ctx, f.personas.steve);
  const requesters = tenant.benchUsers.slice(0, tenant.benchUsers.length - RAW_USERS);

  const order = tenant.benchUsers;
  log(`AdminAssign ×${order.length}: Steve makes each requester eligible Owner of the subscription`);
  const eligible = new Set<string>();
  const [assign, assignCpu] = await withCpu(a, () =>
    sequential(
      order.length,
      async (i) => {
        const x = (
          await putRequest(a.url, steve, 'eligibility', f.sub, {
            principalId: order[i],
            role: ROLE.owner,
            sub: f.sub,
            requestType: 'AdminAssign',
            duration: 'P30D',
          })
        ).answer;
        if (!expectStatus(x, 'Provisioned')) eligible.add(order[i]);
        return x;
      },
      (x) => expectStatus(x, 'Provisioned'),
      budget,
    ),
  );
  rows.push(seqRow(S, 'AdminAssign (Steve: eligible Owner of the subscription)', assign, short(assign), assignCpu));
  const ready = requesters.filter((u) => eligible.has(u));

  // step-up tokens stand for the TOTP step-up (measured once below with a real code); minted just before use, as they last 10 minutes
  let stepUp = mintTokens(tenant.dbFile, ready, true);
  const selfUsers = ready.slice(0, opts.ops);
  log(`SelfActivate ×${selfUsers.length}: Owner on finance-test (no approval there), one requester each`);
  const [self, selfCpu] = await withCpu(a, () =>
    sequential(
      selfUsers.length,
      async (i) =>
        (
          await putRequest(a.url, stepUp.get(selfUsers[i])!, 'assignment', f.rgs['finance-test'], {
            principalId: selfUsers[i],
            role: ROLE.owner,
            sub: f.sub,
            requestType: 'SelfActivate',
            duration: 'PT1H',
          })
        ).answer,
      (x) => expectStatus(x, 'Provisioned'),
      budget,
    ),
  );
  rows.push(seqRow(S, 'SelfActivate → Provisioned (Owner on finance-test, step-up token)', self, short(self), selfCpu));

  stepUp = mintTokens(tenant.dbFile, ready, true);
  const pendingIds: string[] = [];
  const targets = ready.flatMap(
    (u) =>
      [
        [u, f.sub],
        [u, f.rgs['finance-prod']],
      ] as const,
  );
  log(`SelfActivate ×${targets.length}: Owner on the subscription and on finance-prod (Avery approves)`);
  const [pend, pendCpu] = await withCpu(a, () =>
    sequential(
      targets.length,
      async (i) => {
        const [u, scope] = targets[i];
        const r = await putRequest(a.url, stepUp.get(u)!, 'assignment', scope, {
          principalId: u,
          role: ROLE.owner,
          sub: f.sub,
          requestType: 'SelfActivate',
          duration: 'PT1H',
        });
        if (!expectStatus(r.answer, 'PendingApproval')) pendingIds.push(r.id);
        return r.answer;
      },
      (x) => expectStatus(x, 'PendingApproval'),
      budget,
    ),
  );
  rows.push(seqRow(S, 'SelfActivate → PendingApproval (Owner on the subscription / finance-prod)', pend, short(pend), pendCpu));

  // the real MFA path once: a TOTP code for Jen (never used before on this copy) buys a step-up token
  const jen = f.personas.jen;
  try {
    const step = await armSend(a.url, tokenOf(ctx, jen), 'POST', '/api/tokens/step-up', { code: DEMO_TOTP.generate() });
    let note = step.status === 201 ? '' : `refused: ${armError(step)}`;
    if (step.status === 201) {
      const act = await putRequest(a.url, (JSON.parse(step.text) as { token: string }).token, 'assignment', f.rgs['finance-dev'], {
        principalId: jen,
        role: ROLE.owner,
        sub: f.sub,
        requestType: 'SelfActivate',
        duration: 'PT1H',
      });
      const bad = expectStatus(act.answer, 'Provisioned');
      note = bad
        ? `Jen's activation with it refused: ${bad}`
        : `then Jen activates Owner on finance-dev with it in ${act.answer.ms.toFixed(0)} ms`;
    }
    rows.push({ section: S, name: 'MFA step-up (Jen: TOTP code → step-up token)', n: 1, p50: step.ms, note });
  } catch (e) {
    rows.push({
      section: S,
      name: 'MFA step-up (Jen: TOTP code → step-up token)',
      n: 0,
      note: `failed: ${e instanceof Error ? e.message : e}`,
    });
  }

  // approving Owner needs the approver's MFA (rule 11): a step-up token stands for Avery's code, as for the requesters
  const avery = mintTokens(tenant.dbFile, [f.personas.avery], true).get(f.personas.avery)!;
  // keep a full bulk batch when there are enough pending requests; the single approvals take the rest
  const single = pendingIds.slice(0, Math.min(opts.ops, Math.max(1, pendingIds.length - BULK)));
  log(`approve ×${single.length} (Avery, roleAssignmentApprovals stage PUT)`);
  const [appr, apprCpu] = await withCpu(a, () =>
    sequential(single.length, (i) => approve(a.url, avery, single[i]), expectApproved, budget),
  );
  rows.push(seqRow(S, 'approve one pending request (Avery, API)', appr, short(appr), apprCpu));

  const bulk = pendingIds.slice(single.length, single.length + BULK);
  if (!bulk.length) {
    rows.push({ section: S, name: `bulk approval of ${BULK}`, n: 0, note: 'skipped: no pending requests left' });
    return;
  }
  log(`bulk approval of ${bulk.length} (Avery, the inbox's decideRequests server action)`);
  let id: string | undefined;
  try {
    id = actionId(ctx.root, ctx.distDir, 'app/(portal)/approvals/actions.ts', 'decideRequests');
  } catch (e) {
    log(`${e instanceof Error ? e.message : e}: approving one by one through the API instead`);
  }
  if (id) {
    const name = `bulk approval of ${bulk.length} (Avery, portal server action decideRequests, one POST)`;
    try {
      const [r, cpu] = await withCpu(a, () =>
        callFormAction(
          a.url,
          '/approvals',
          id,
          ctx.cookies.avery,
          [
            // Avery's one TOTP code for the batch (her session has not stepped up yet; rule 11)
            ...bulk.map((x) => ['requestId', x] as [string, string]),
            ['decision', 'Approve'],
            ['justification', 'HTTP benchmark'],
            ['mfaCode', DEMO_TOTP.generate()],
          ],
          Math.max(budget, 600_000),
        ),
      );
      const confirmed = r.status === 200 && r.text.includes(`Approved ${bulk.length === 1 ? 'the request' : `${bulk.length} requests`}`);
      rows.push({
        section: S,
        name,
        n: 1,
        p50: r.ms,
        size: r.bytes,
        cpu,
        note: confirmed
          ? `${(r.ms / bulk.length).toFixed(1)} ms per request`
          : `not confirmed (status ${r.status}): ${r.text.slice(0, 200)}`,
      });
    } catch (e) {
      // the server may still be deciding: approving the same requests through the API now would only collide
      rows.push({ section: S, name, n: 0, note: `no answer: ${e instanceof Error ? e.message : e}` });
    }
    return;
  }
  const t0 = performance.now();
  const [seq, seqCpu] = await withCpu(a, () => sequential(bulk.length, (i) => approve(a.url, avery, bulk[i]), expectApproved, budget));
  const total = performance.now() - t0;
  rows.push(
    seqRow(
      S,
      `bulk approval of ${bulk.length} as sequential API approvals (Avery)`,
      seq,
      [`${total.toFixed(0)} ms in all`, short(seq)].filter(Boolean).join('; '),
      seqCpu,
    ),
  );
}

/** A second server process on the same file: a write through A, then the first read through B. */
export async function crossProcess(ctx: Ctx): Promise<void> {
  const { a, tenant, rows, log } = ctx;
  const f = tenant.facts;
  const S = 'two processes on one database';
  const b = await startServer({
    root: ctx.root,
    distDir: ctx.distDir,
    dataDir: ctx.work,
    dbFile: tenant.dbFile,
    name: 'b',
    timeoutMs: 900_000,
  });
  ctx.servers.push(b);
  rows.push({ section: S, name: 'second process: start to first answer', n: 1, p50: b.startMs });
  const users = tenant.benchUsers.slice(-RAW_USERS);
  const steve = tokenOf(ctx, f.personas.steve);
  const scope = f.rgs['finance-dev'];
  const held = (x: Answer) => x.status === 200 && (JSON.parse(x.text) as { value: unknown[] }).value.length > 0;
  const first: number[] = [];
  let fresh = 0;
  let maxLag = 0;
  const problems: string[] = [];
  log(`read-after-write ×${users.length}: AdminAssign (active Reader on finance-dev) through a, permissions through b`);
  const t00 = performance.now();
  for (const u of users) {
    if (performance.now() - t00 > ctx.opts.budget * 1000) break;
    const before = await armGet(b.url, tokenOf(ctx, u), permissionsPath(scope));
    if (before.status !== 200 || held(before)) {
      problems.push(before.status !== 200 ? armError(before) : 'the requester already held a role there');
      continue;
    }
    const w = await putRequest(a.url, steve, 'assignment', scope, {
      principalId: u,
      role: ROLE.reader,
      sub: f.sub,
      requestType: 'AdminAssign',
      duration: 'P30D',
    });
    const bad = expectStatus(w.answer, 'Provisioned');
    if (bad) {
      problems.push(bad);
      continue;
    }
    const t0 = performance.now();
    const r = await armGet(b.url, tokenOf(ctx, u), permissionsPath(scope));
    first.push(r.ms);
    if (held(r)) {
      fresh++;
      continue;
    }
    // stale: how long until b shows it (bounded at 5 s)
    for (let i = 0; i < 250 && performance.now() - t0 < 5000; i++) {
      await sleep(20);
      if (held(await armGet(b.url, tokenOf(ctx, u), permissionsPath(scope)))) break;
    }
    maxLag = Math.max(maxLag, performance.now() - t0);
  }
  const note = [
    `the first read showed the new access ${fresh}/${first.length} times`,
    maxLag ? `otherwise visible after at most ${maxLag.toFixed(0)} ms` : '',
    problems.length ? `${problems.length} not measured (${problems[0]})` : '',
  ];
  rows.push({
    section: S,
    name: 'first read through B after a write through A (permissions after AdminAssign)',
    ...summarise(first),
    note: note.filter(Boolean).join('; '),
  });
  await b.stop();
  ctx.servers.splice(ctx.servers.indexOf(b), 1);
}

interface Target {
  name: string;
  path: string;
  headers: Record<string, string>;
  expect?: string;
}

/** Check one answer, warm up, then autocannon; a target that does not answer 200 is reported, not loaded. */
async function measureRead(ctx: Ctx, section: string, t: Target, describe?: (x: Answer) => string): Promise<Row> {
  try {
    return await measureReadOnce(ctx, section, t, describe);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    ctx.log(`${t.name}: ${msg}`);
    return { section, name: t.name, n: 0, note: `not measured: ${msg}` };
  }
}

async function measureReadOnce(ctx: Ctx, section: string, t: Target, describe?: (x: Answer) => string): Promise<Row> {
  const url = `${ctx.a.url}${t.path}`;
  const check = await call(url, { headers: t.headers });
  const wrong =
    check.status !== 200
      ? `status ${check.status}${check.headers.get('location') ? ` → ${check.headers.get('location')}` : ''}`
      : t.expect && !check.text.includes(t.expect)
        ? `answer lacks "${t.expect}"`
        : '';
  if (wrong) {
    ctx.log(`${t.name}: ${wrong}; not measured`);
    return { section, name: t.name, n: 0, size: check.bytes, note: `not measured: ${wrong}` };
  }
  for (let i = 0; i < 3; i++) await call(url, { headers: t.headers });
  ctx.log(`${t.name}: ${ctx.opts.duration} s at ${ctx.opts.connections} connections`);
  const [r, cpu] = await withCpu(ctx.a, () => load(url, t.headers, { connections: ctx.opts.connections, duration: ctx.opts.duration }));
  const issues = [r.non2xx && `${r.non2xx} non-2xx`, r.errors && `${r.errors} errors`, r.timeouts && `${r.timeouts} timeouts`]
    .filter(Boolean)
    .join(', ');
  const row: Row = {
    section,
    name: t.name,
    ...summarise(r.latencies),
    rps: r.rps,
    size: check.bytes,
    cpu: cpu / Math.max(1, r.latencies.length),
    note: [describe?.(check), issues].filter(Boolean).join('; '),
  };
  ctx.idle.set(t.name, row);
  return row;
}

function pageTargets(ctx: Ctx): Target[] {
  const f = ctx.tenant.facts;
  const subId = encodeURIComponent(f.sub.toLowerCase());
  const as = (p: keyof Ctx['cookies']) => ({ cookie: ctx.cookies[p] });
  return [
    { name: 'Admin home (Steve) `/admin`', path: '/admin', headers: as('steve') },
    {
      name: 'Admin scope: the demo subscription (Steve)',
      path: `/admin/scope?id=${subId}`,
      headers: as('steve'),
      expect: 'Blue Widget Co',
    },
    { name: 'Admin › Resources (Steve)', path: '/admin/resources', headers: as('steve') },
    { name: 'Admin › Users and groups (Steve)', path: '/admin/users', headers: as('steve') },
    { name: 'Admin audit (Steve)', path: '/admin/audit', headers: as('steve') },
    { name: 'Admin pending (Steve)', path: '/admin/pending', headers: as('steve') },
    {
      name: 'Scope settings: Owner on the subscription (Steve)',
      path: `/admin/scope?id=${subId}&tab=settings&role=${ROLE.owner}`,
      headers: as('steve'),
      expect: 'Blue Widget Co',
    },
    { name: 'My roles (Jen)', path: '/my-roles', headers: as('jen') },
    { name: 'My requests (Jen)', path: '/requests', headers: as('jen') },
    { name: 'Approvals inbox (Avery)', path: '/approvals', headers: as('avery') },
    { name: 'My access (Jen)', path: '/my-access', headers: as('jen') },
    { name: 'My access: can Jen touch finance-prod-vm1? (search and answer)', path: '/my-access?q=finance-prod-vm1', headers: as('jen') },
    { name: 'Admin › Access of Jen (Steve)', path: `/admin/users/${encodeURIComponent(f.personas.jen)}/access`, headers: as('steve') },
    {
      name: 'Who has access: the demo subscription (Steve)',
      path: `/admin/scope?id=${subId}&tab=who`,
      headers: as('steve'),
      expect: 'Blue Widget Co',
    },
  ];
}

export async function pages(ctx: Ctx): Promise<void> {
  for (const t of pageTargets(ctx)) ctx.rows.push(await measureRead(ctx, `pages (${ctx.opts.connections} connections)`, t));
}

const items = (x: Answer) => {
  try {
    const j = JSON.parse(x.text) as { value?: unknown[]; nextLink?: string | null };
    return j.value ? `${j.value.length} item${j.value.length === 1 ? '' : 's'}${j.nextLink ? ' + nextLink' : ''}` : '';
  } catch {
    return '';
  }
};

function apiTargets(ctx: Ctx): Target[] {
  const f = ctx.tenant.facts;
  const as = (p: Persona) => ({ authorization: `Bearer ${tokenOf(ctx, persona(ctx, p))}` });
  return [
    { name: 'permissions at finance-dev (Sam: does he hold a role here)', path: permissionsPath(f.rgs['finance-dev']), headers: as('sam') },
    {
      name: 'roleEligibilityScheduleInstances asTarget() at the root group (Jen)',
      path: `${f.rootArmId}${AUTH}/roleEligibilityScheduleInstances?api-version=${V}&$filter=asTarget()`,
      headers: as('jen'),
    },
    {
      name: 'roleEligibilitySchedules at the root group, first page (Steve)',
      path: `${f.rootArmId}${AUTH}/roleEligibilitySchedules?api-version=${V}`,
      headers: as('steve'),
    },
    {
      name: 'roleAssignmentScheduleInstances at the subscription, first page (Steve)',
      path: `${f.sub}${AUTH}/roleAssignmentScheduleInstances?api-version=${V}`,
      headers: as('steve'),
    },
    {
      name: 'roleAssignmentApprovals asApprover() (Avery)',
      path: `${AUTH}/roleAssignmentApprovals?api-version=2021-01-01-preview&$filter=asApprover()`,
      headers: as('avery'),
    },
  ];
}

export async function apiReads(ctx: Ctx): Promise<void> {
  for (const t of apiTargets(ctx)) ctx.rows.push(await measureRead(ctx, `API reads (${ctx.opts.connections} connections)`, t, items));
}

/** Reads at full concurrency while AdminAssign writes arrive at 5 per second (each a new eligible assignment). */
export async function mixedLoad(ctx: Ctx): Promise<void> {
  const f = ctx.tenant.facts;
  const S = `mixed: reads at ${ctx.opts.connections} connections + 5 writes/s`;
  const steve = tokenOf(ctx, f.personas.steve);
  const scopes = [...Object.values(f.rgs), ...f.vms];
  // distinct (requester, role, scope) triples: a duplicate would be refused, not measured
  const triples = (function* () {
    for (const role of [ROLE.contributor, ROLE.reader])
      for (const scope of scopes) for (const u of ctx.tenant.benchUsers) yield { u, role, scope };
  })();
  const targets = [apiTargets(ctx)[0], pageTargets(ctx)[7]];
  for (const t of targets) {
    const idle = ctx.idle.get(t.name);
    if (!idle || !idle.n) continue;
    const writes: Promise<Answer>[] = [];
    const total = 5 * ctx.opts.duration;
    const writer = (async () => {
      const t0 = performance.now();
      for (let i = 0; i < total; i++) {
        const wait = t0 + i * 200 - performance.now();
        if (wait > 0) await sleep(wait);
        const next = triples.next();
        if (next.done) break;
        const { u, role, scope } = next.value;
        const sent = performance.now();
        writes.push(
          putRequest(ctx.a.url, steve, 'eligibility', scope, {
            principalId: u,
            role,
            sub: f.sub,
            requestType: 'AdminAssign',
            duration: 'P30D',
          }).then(
            (x) => x.answer,
            (e: Error): Answer => ({ status: 0, ms: performance.now() - sent, bytes: 0, text: e.message, headers: new Headers() }),
          ),
        );
      }
    })();
    ctx.log(`${t.name} with writes: ${ctx.opts.duration} s`);
    const r = await load(`${ctx.a.url}${t.path}`, t.headers, { connections: ctx.opts.connections, duration: ctx.opts.duration });
    await writer;
    const done = await Promise.all(writes);
    const s = summarise(r.latencies);
    const issues = [r.non2xx && `${r.non2xx} non-2xx`, r.errors && `${r.errors} errors`].filter(Boolean).join(', ');
    ctx.rows.push({
      section: S,
      name: `${t.name} under writes`,
      ...s,
      rps: r.rps,
      note: [`idle p99 ${idle.p99?.toFixed(1)} ms`, issues].filter(Boolean).join('; '),
    });
    const refused = done.map((x) => expectStatus(x, 'Provisioned')).filter(Boolean);
    ctx.rows.push({
      section: S,
      name: 'the writes (AdminAssign eligible, Steve)',
      ...summarise(done.map((x) => x.ms)),
      note: refused.length ? `${refused.length} refused (first: ${refused[0]})` : `${done.length} writes in ${ctx.opts.duration} s`,
    });
  }
}
