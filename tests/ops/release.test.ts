import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease, run, runAsync, tamperedCopy } from './support/release.js';

const work = mkdtempSync(join(tmpdir(), 'bashgah-release-'));
const out = join(work, 'out');
const root = join(work, 'root');
const restartLog = join(work, 'restarts.log');
const restartScript = join(work, 'restart.sh');
const tarballs: Record<string, string> = {};
let health: Server;
let healthUrl = '';

/**
 * The service under update is out of this test's scope (it belongs to the kiosk): a small
 * HTTP server stands in for its /healthz and is healthy unless `current` points at a release
 * marked bad. The restart command records which release it restarted.
 */
beforeAll(async () => {
  mkdirSync(root);
  for (const version of ['u1', 'u2', 'u3-bad']) tarballs[version] = buildRelease(out, version, 'none');
  writeFileSync(restartScript, `#!/bin/sh\nreadlink "${root}/opt/bashgah/current" >> "${restartLog}"\n`);
  chmodSync(restartScript, 0o755);
  health = createServer((request, response) => {
    const current = existsSync(join(root, 'opt/bashgah/current')) ? readlinkSync(join(root, 'opt/bashgah/current')) : '';
    response.statusCode = request.url === '/healthz' && !current.endsWith('-bad') ? 200 : 503;
    response.end(JSON.stringify({ current }));
  });
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  const address = health.address();
  healthUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/healthz`;
});
afterAll(() => {
  health?.close();
  rmSync(work, { recursive: true, force: true });
});

function update(args: string[]) {
  return runAsync('bash', ['scripts/release/update.sh', ...args, '--root', root, '--restart', 'yes', '--health-url', healthUrl, '--health-timeout', '3'], {
    ...process.env,
    BASHGAH_RESTART_CMD: restartScript,
  });
}
const current = () => readlinkSync(join(root, 'opt/bashgah/current'));
const previous = () => readlinkSync(join(root, 'opt/bashgah/previous'));
const restarts = () => readFileSync(restartLog, 'utf8').trim().split('\n');

describe('release tarball', () => {
  it('holds dist, systemd files, the updater and a manifest with checksums', () => {
    const listing = run('tar', ['-tzf', tarballs.u1!]).output.split('\n');
    for (const path of ['manifest.json', 'SHA256SUMS', 'dist/firmware/src/cli/main.js', 'systemd/bashgah.service', 'scripts/release/update.sh', 'package-lock.json']) {
      expect(listing, path).toContain(`bashgah-u1-x64/${path}`);
    }
    expect(listing.some((path) => path.includes('.test.'))).toBe(false);
    const manifest = JSON.parse(run('tar', ['-xzOf', tarballs.u1!, 'bashgah-u1-x64/manifest.json']).output) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'bashgah', version: 'u1', arch: 'x64', nodeModules: 'none' });
    expect(run('bash', ['-c', `cd "${out}" && sha256sum -c bashgah-u1-x64.tar.gz.sha256`]).code).toBe(0);
  });

  it('refuses unsafe options', () => {
    const bad = run('bash', ['scripts/release/build.sh', '--skip-build', '--arch', 'mips']);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('--arch must be native, arm64 or armhf');
    const cross = run('bash', ['scripts/release/build.sh', '--skip-build', '--arch', 'arm64', '--node-modules', 'copy']);
    expect(cross.output).toContain('compiled modules match this machine only');
  });
});

describe('update with rollback', () => {
  it('installs, says when already current, keeps the previous release', async () => {
    const first = await update([tarballs.u1!]);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain('result: installed u1');
    expect(current()).toBe('releases/u1');
    expect(readlinkSync(join(root, 'usr/local/bin/bashgah'))).toBe('/opt/bashgah/current/dist/firmware/src/cli/main.js');
    // Native modules are not built inside an image root: said, and left as a marker.
    expect(first.output).toContain('SKIPPED in --root mode');
    const again = await update([tarballs.u1!]);
    expect(again.code).toBe(0);
    expect(again.output).toContain('result: unchanged u1');
    const second = await update([tarballs.u2!]);
    expect(second.code, second.output).toBe(0);
    expect(current()).toBe('releases/u2');
    expect(previous()).toBe('releases/u1');
    expect(restarts()).toEqual(['releases/u1', 'releases/u2']);
  });

  it('rolls back when the new release fails its health check', async () => {
    const result = await update([tarballs['u3-bad']!]);
    expect(result.code, result.output).toBe(3);
    expect(result.output).toContain('u3-bad failed its health check; rolling back to u2');
    expect(result.output).toContain('result: rolled-back u2');
    expect(current()).toBe('releases/u2');
    expect(previous()).toBe('releases/u1');
    expect(restarts().slice(-2)).toEqual(['releases/u3-bad', 'releases/u2']);
  });

  it('refuses a damaged release and leaves current alone', async () => {
    const damaged = tamperedCopy(tarballs.u1!, work);
    const result = await update([damaged]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('release files do not match SHA256SUMS');
    writeFileSync(join(work, 'junk.tar.gz'), 'not a tarball');
    expect((await update([join(work, 'junk.tar.gz')])).output).toContain('cannot unpack');
    expect((await update([join(work, 'missing.tar.gz')])).output).toContain('no such file');
    expect(current()).toBe('releases/u2');
  });

  it('rolls back on request', async () => {
    const result = await update(['--rollback']);
    expect(result.code, result.output).toBe(0);
    expect(current()).toBe('releases/u1');
    expect(previous()).toBe('releases/u2');
  });
});
