import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('kiosk-ui', () => {
  // The UI is plain ES modules with JSDoc types that point at firmware/src/kiosk/protocol.ts:
  // type-checking it is how a change to the protocol that the screen does not follow fails.
  it('type-checks against the WebSocket protocol (strict checkJs)', async () => {
    const result = await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'kiosk-ui/tsconfig.json'], { cwd: root }).catch(
      (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? 'tsc failed' }),
    );
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
  }, 60_000);
});
