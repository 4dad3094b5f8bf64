import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = new URL('../../../', import.meta.url).pathname;

/** Builds a real release with scripts/release/build.sh from the already compiled dist/. */
export function buildRelease(out: string, version: string, nodeModules: 'copy' | 'none'): string {
  const args = ['scripts/release/build.sh', '--skip-build', '--version', version, '--out', out, '--node-modules', nodeModules];
  for (let attempt = 1; ; attempt += 1) {
    const result = spawnSync('bash', args, { cwd: repoRoot, encoding: 'utf8' });
    if (result.status === 0) break;
    // On a shared working tree another build may rewrite dist/ while tar reads it; only that
    // is retried (CI runs one build, before the tests).
    const concurrentWrite = /File shrank|changed as we read|file removed before we read/.test(result.stderr);
    if (!concurrentWrite || attempt >= 3) throw new Error(`build.sh failed (${result.status}): ${result.stderr}`);
  }
  const name = readdirSync(out).find((file) => file.startsWith(`bashgah-${version}-`) && file.endsWith('.tar.gz'));
  if (!name) throw new Error(`no tarball for ${version} in ${out}`);
  return join(out, name);
}

/** A copy of a release with one file changed after its SHA256SUMS was written. */
export function tamperedCopy(tarball: string, out: string): string {
  const work = mkdtempSync(join(tmpdir(), 'bashgah-tamper-'));
  try {
    execFileSync('tar', ['-C', work, '-xzf', tarball]);
    const top = readdirSync(work)[0]!;
    execFileSync('sh', ['-c', `echo 'console.log("evil")' >> "${join(work, top, 'dist/firmware/src/cli/main.js')}"`]);
    const target = join(out, `tampered-${top}.tar.gz`);
    execFileSync('tar', ['-C', work, '-czf', target, top]);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface Run {
  code: number;
  output: string;
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Run {
  const result = spawnSync(command, args, { cwd: repoRoot, env, encoding: 'utf8', timeout: timeoutMs });
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/**
 * Like run(), without blocking the event loop: use it when the command talks to a server
 * living in the test process (a stand-in head office or health endpoint).
 */
export async function runAsync(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<Run> {
  return await new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
