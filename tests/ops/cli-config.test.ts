import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bashgah-config-'));
const path = join(dir, 'config.json');
const env = { ...process.env, BASHGAH_CONFIG: path };
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => rmSync(path, { force: true }));

const token = { name: 'pos-1', token: 'abcdefghijklmnop-secret', role: 'pos' };

describe('bashgah config get', () => {
  it('shows defaults when there is no file, whole or by key, as text and JSON', async () => {
    const port = await runCli(['config', 'get', 'http.port'], env);
    expect(port).toMatchObject({ code: 0, stdout: '8080\n' });
    const device = await runCli(['config', 'get', 'device', '--json'], env);
    expect(device.code).toBe(0);
    expect(JSON.parse(device.stdout)).toMatchObject({ ok: true, source: 'defaults', value: { id: 'demo-kiosk' } });
    const all = await runCli(['config', 'get'], env);
    expect(all.stdout).toMatch(/^http\.port\s+8080$/m);
    expect(all.stdout).toMatch(/^display\.language\s+"fa"$/m);
  });

  it('redacts tokens unless --show-secrets', async () => {
    writeFileSync(path, JSON.stringify({ tokens: [token] }));
    const hidden = await runCli(['config', 'get', 'tokens', '--json'], env);
    expect(hidden.stdout).not.toContain('abcdefghijklmnop-secret');
    expect(JSON.parse(hidden.stdout).value[0].token).toBe('[redacted]');
    const shown = await runCli(['config', 'get', 'tokens.0.token', '--show-secrets'], env);
    expect(shown.stdout).toBe('abcdefghijklmnop-secret\n');
  });

  it('fails clearly: unknown key, invalid file, not JSON, bad usage', async () => {
    const unknown = await runCli(['config', 'get', 'http.nope', '--json'], env);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: 'no setting "http.nope" in the configuration' });
    writeFileSync(path, '{"http": {"port": "eighty"}}');
    const invalid = await runCli(['config', 'get', 'http.port'], env);
    expect(invalid.code).toBe(78);
    expect(invalid.stderr).toContain('/http/port: must be integer');
    writeFileSync(path, '{"http": ');
    const broken = await runCli(['config', 'get'], env);
    expect(broken.code).toBe(78);
    expect(broken.stderr).toMatch(/is not valid JSON/);
    expect((await runCli(['config', 'get', 'a', 'b'], env)).code).toBe(2);
    const badOption = await runCli(['config', 'get', '--colour'], env);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/Unknown option '--colour'/);
    expect((await runCli(['config', 'get', 'http..port'], env)).stderr).toMatch(/not a setting name/);
  });
});

describe('bashgah config set', () => {
  it('creates the file, validates, keeps types from the schema and writes atomically', async () => {
    const port = await runCli(['config', 'set', 'http.port', '8081'], env);
    expect(port.code).toBe(0);
    expect(port.stdout).toContain('http.port: (default) → 8081');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ http: { port: 8081 } });
    expect(statSync(path).mode & 0o777).toBe(0o640);
    // A store named "123" is text: JSON would make it a number, the schema says string.
    expect((await runCli(['config', 'set', 'device.storeName', '123'], env)).code).toBe(0);
    expect((await runCli(['config', 'set', 'device.storeName', 'فروشگاه مرکزی تهران'], env)).code).toBe(0);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(file.device.storeName).toBe('فروشگاه مرکزی تهران');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('says so when nothing changes, and keeps the file mode', async () => {
    writeFileSync(path, JSON.stringify({ http: { port: 8081 } }));
    chmodSync(path, 0o600);
    const before = statSync(path).mtimeMs;
    const again = await runCli(['config', 'set', 'http.port', '8081', '--json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, changed: false, changes: [{ key: 'http.port', after: 8081, changed: false }] });
    expect(statSync(path).mtimeMs).toBe(before);
    await runCli(['config', 'set', 'http.port', '9000'], env);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('sets several settings at once, all or nothing, and can dry-run', async () => {
    writeFileSync(path, JSON.stringify({ http: { port: 8081 } }));
    const dry = await runCli(['config', 'set', 'device.id', 'kiosk-7', 'device.storeId', 'shop-7', '--dry-run', '--json'], env);
    expect(JSON.parse(dry.stdout)).toMatchObject({ ok: true, changed: true, dryRun: true });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ http: { port: 8081 } });
    const both = await runCli(['config', 'set', 'device.id', 'kiosk-7', 'device.storeId', 'shop-7'], env);
    expect(both.stdout).toContain('device.storeId: (default) → "shop-7"');
    expect(JSON.parse(readFileSync(path, 'utf8')).device).toEqual({ id: 'kiosk-7', storeId: 'shop-7' });
    const half = await runCli(['config', 'set', 'device.id', 'kiosk-8', 'http.port', '70000'], env);
    expect(half.code).toBe(78);
    expect(JSON.parse(readFileSync(path, 'utf8')).device.id).toBe('kiosk-7');
    const same = await runCli(['config', 'set', 'device.id', 'kiosk-7', '--dry-run'], env);
    expect(same.stdout).toContain('nothing changed');
  });

  it('unsets a setting so its default applies', async () => {
    writeFileSync(path, JSON.stringify({ display: { language: 'en' } }));
    expect((await runCli(['config', 'set', 'display.language', '--unset'], env)).code).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ display: {} });
    expect((await runCli(['config', 'get', 'display.language'], env)).stdout).toBe('fa\n');
  });

  it('refuses invalid values and unknown keys, leaving the file untouched', async () => {
    writeFileSync(path, JSON.stringify({ http: { port: 8081 } }));
    const original = readFileSync(path, 'utf8');
    const tooBig = await runCli(['config', 'set', 'http.port', '70000', '--json'], env);
    expect(tooBig.code).toBe(78);
    expect(JSON.parse(tooBig.stdout)).toMatchObject({ ok: false, problems: ['/http/port: must be <= 65535'] });
    const unknown = await runCli(['config', 'set', 'http.colour', 'red'], env);
    expect(unknown.code).toBe(78);
    expect(unknown.stderr).toContain('/http/colour: is not a known setting');
    const badEnum = await runCli(['config', 'set', 'display.language', 'de'], env);
    expect(badEnum.code).toBe(78);
    expect(readFileSync(path, 'utf8')).toBe(original);
    expect((await runCli(['config', 'set', 'http.port'], env)).code).toBe(2);
    expect((await runCli(['config', 'set'], env)).code).toBe(2);
    expect((await runCli(['config', 'set', 'http.port', '1', 'display.language'], env)).code).toBe(2);
    expect((await runCli(['config', 'set', 'http.port.x', '1'], env)).stderr).toMatch(/"http.port" is not a section/);
  });

  it('reports a file it cannot write', async () => {
    const missingDir = { ...process.env, BASHGAH_CONFIG: join(dir, 'no-such-dir', 'config.json') };
    const result = await runCli(['config', 'set', 'http.port', '8082'], missingDir);
    expect(result.code).toBe(73);
    expect(result.stderr).toMatch(/cannot write .*no-such-dir/);
  });

  it('works through the compiled bashgah binary', () => {
    const out = execFileSync(process.execPath, ['dist/firmware/src/cli/main.js', 'config', 'set', 'logging.level', 'debug', '--json'], {
      env,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toMatchObject({ ok: true, changed: true, changes: [{ key: 'logging.level', after: 'debug' }] });
  });
});
