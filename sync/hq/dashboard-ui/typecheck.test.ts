import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('dashboard-ui', () => {
  // Plain ES modules with JSDoc types, checked strictly: a page that calls the shell wrongly,
  // or the shell that changes under the pages, fails here rather than in a browser.
  it('type-checks (strict checkJs)', async () => {
    const result = await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'sync/hq/dashboard-ui/tsconfig.json'], { cwd: root }).catch(
      (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? 'tsc failed' }),
    );
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
  }, 60_000);
});
