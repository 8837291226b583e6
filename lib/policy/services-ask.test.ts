import fs from 'node:fs';
import path from 'node:path';
import { describe as group, expect, it } from 'vitest';

/**
 * Issue 15's proof that services only ask: the rules moved into the engine must not grow back
 * in a service or a page. Each check names a telltale of a rule decided on its own (a helper
 * only the engine should call, a setting only the engine should read) and where it may not
 * appear. A failure here means: ask lib/policy instead.
 */

const ROOT = path.resolve(__dirname, '../..');

function files(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [dir];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return files(rel);
    return /\.tsx?$/.test(e.name) && !/(\.test|test-support)\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

/** Files under `dirs` (outside lib/policy) whose source matches `pattern`. */
function offenders(dirs: string[], pattern: RegExp, allowed: string[] = []): string[] {
  return dirs
    .flatMap(files)
    .filter((f) => !f.startsWith(`lib${path.sep}policy`) && !allowed.includes(f))
    .filter((f) => pattern.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
}

const SERVICES = ['lib/activation', 'lib/approvals', 'lib/arm', 'lib/assignments', 'lib/portal', 'lib/resources/access.ts'];

group('services ask the engine instead of deciding', () => {
  it('rule 5 (overlapping windows) is decided in lib/policy only', () => {
    expect(offenders(['lib', 'app'], /\bwindowsOverlap\(/)).toEqual([]);
  });

  it('"schedules reaching a user" is the engine\'s schedulesReaching', () => {
    // lib/access (My access) is being written alongside this change: it should ask schedulesReaching too
    expect(offenders(['lib', 'app'], /\bschedulesByGroup\b/)).toEqual([]);
  });

  it("who is a tenant PIM administrator is the engine's isTenantPimAdmin", () => {
    const pages = ['app/(portal)/admin/outbox', 'app/(portal)/admin/audit', 'app/(portal)/admin/connectors'];
    expect(offenders([...SERVICES, ...pages], /\.isPimAdmin\b/)).toEqual([]);
  });

  it("who may see a request is the engine's canViewRequest", () => {
    for (const f of ['lib/activation/requests-query.ts', 'lib/approvals/detail.ts', 'lib/arm/approvals.ts', 'lib/arm/requests-read.ts']) {
      expect(fs.readFileSync(path.join(ROOT, f), 'utf8'), f).toMatch(/\bcanViewRequest\(/);
    }
  });

  it('the approver-justification setting is read by the engine (the approvals service only captures it)', () => {
    expect(offenders(['lib/approvals', 'lib/activation'], /\.approverJustificationRequired\b/, ['lib/approvals/settled.ts'])).toEqual([]);
  });

  it('the default extend / renew window and the approved windows come from the engine', () => {
    const telltale = /\b(eligibleMaxDays|activeMaxDays)\b|\bapproved(Activation|Renew)Window\b/;
    expect(offenders(['lib/activation', 'lib/approvals'], telltale)).toEqual([]);
  });

  it("rule 4's cascade to linked activations is the engine's linkedActivationChanges", () => {
    expect(offenders(['lib/assignments', 'lib/activation', 'lib/approvals'], /\bactivationEndWithin\b/)).toEqual([]);
    expect(offenders(['lib/assignments/index.ts'], /\bassignmentSchedules\.linkedEligibilityId\b/)).toEqual([]);
  });

  it('one name lookup and one UTC formatter', () => {
    expect(offenders(['lib', 'app'], /function (namesFor|nameLookup)\b|\bNameLookup\s*=>\s*\(\{/, ['lib/resources/names.ts'])).toEqual([]);
    expect(offenders(['lib'], /toISOString\(\)\.slice\(0, 16\)|\bfmtUtc\b/)).toEqual([]);
  });
});
