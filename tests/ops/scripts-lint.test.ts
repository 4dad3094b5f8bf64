import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/release.js';

const scripts = ['scripts/provision.sh', 'scripts/provision/remote.sh', 'scripts/release/build.sh', 'scripts/release/update.sh'];

describe('operations scripts', () => {
  it('pass shellcheck (warnings and errors)', () => {
    const result = spawnSync('shellcheck', ['-S', 'warning', ...scripts], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it('shellcheck does catch a real mistake (negative control)', () => {
    const result = spawnSync('shellcheck', ['-S', 'warning', '-s', 'bash', '-'], { input: 'rm -rf $dir/*\n', encoding: 'utf8' });
    expect(result.status).not.toBe(0);
  });

  it('the Node helpers parse', () => {
    for (const file of ['scripts/provision/register.mjs', 'scripts/release/health-check.mjs']) {
      expect(spawnSync(process.execPath, ['--check', file], { cwd: repoRoot }).status, file).toBe(0);
    }
  });
});
