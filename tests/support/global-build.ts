import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Compiles the project once per test run so that child processes (crash tests, the kiosk
 * service under a browser, the CLI) run the shipped JavaScript. Type errors are not this
 * step's business (`npm run build` in scripts/test.sh fails on them); tsc still emits.
 */
export default function globalBuild(): void {
  if (process.env.BASHGAH_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'pipe' });
  } catch {
    // Emitted anyway; type errors are reported by the build step.
  }
}
