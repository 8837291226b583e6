import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The architecture's import boundaries, as ESLint (and so `npm test`) enforces them: the
// policy engine stays pure, and pages and components reach storage only through services.
const eslint = new ESLint({ cwd: path.resolve(__dirname, '../..') });

async function refused(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.resolve(__dirname, '../..', file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ["import { getDb } from '@/db';", 'lib/policy/probe.ts'],
    ["import fs from 'node:fs';", 'lib/policy/probe.ts'],
    ["import { config } from '../config';", 'lib/policy/probe.ts'],
    ["import { config } from '@/lib/config';", 'lib/policy/probe.ts'],
    ["import { cookies } from 'next/headers';", 'lib/policy/probe.ts'],
    ["import { useState } from 'react';", 'lib/policy/probe.ts'],
    ["import { sql } from 'drizzle-orm';", 'lib/policy/probe.ts'],
    ["import { x } from '../../db/client';", 'lib/policy/testing/probe.ts'],
  ])('lib/policy may not import impure modules: %s', async (line, file) => {
    expect(await refused(file, `${line}\nexport const probe = 1;\n`)).toHaveLength(1);
  });

  it('lib/policy may import its own modules', async () => {
    const source = "import { a } from './types';\nimport { b } from '@/lib/policy/time';\nexport const probe = [a, b];\n";
    expect(await refused('lib/policy/probe.ts', source)).toEqual([]);
    expect(await refused('lib/policy/testing/probe.ts', "import { a } from '../types';\nexport const probe = a;\n")).toEqual([]);
  });

  it.each([
    ["import { getDb } from '@/db';", 'app/(portal)/probe/page.tsx'],
    ["import { users } from '@/db/schema';", 'app/api/probe/route.ts'],
    ["import { eq } from 'drizzle-orm';", 'components/probe.tsx'],
    ["import { x } from '../../db/client';", 'components/admin/probe.tsx'],
  ])('pages and components may not reach storage directly: %s', async (line, file) => {
    expect(await refused(file, `${line}\nexport const probe = 1;\n`)).toHaveLength(1);
  });

  it('pages reach storage through services', async () => {
    const source =
      "import { getDb } from '@/lib/db';\nimport { listUsers } from '@/lib/users';\nexport const probe = [getDb, listUsers];\n";
    expect(await refused('app/(portal)/probe/page.tsx', source)).toEqual([]);
  });
});
