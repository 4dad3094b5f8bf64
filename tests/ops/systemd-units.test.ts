import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';

const systemdDir = new URL('../../systemd/', import.meta.url).pathname;
const units = readdirSync(systemdDir).filter((name) => name.endsWith('.service'));
const scratch = mkdtempSync(join(tmpdir(), 'bashgah-units-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * systemd-analyze verify works in a container without a running systemd: it loads the unit
 * files, checks every setting and that each Exec binary exists. Log to the console so
 * warnings (unknown keys, bad values: "ignoring") reach stderr; any output counts as failure.
 */
function verify(path: string): { status: number | null; output: string } {
  const result = spawnSync('systemd-analyze', ['verify', '--man=no', path], {
    encoding: 'utf8',
    env: { ...process.env, SYSTEMD_LOG_TARGET: 'console', SYSTEMD_LOG_LEVEL: 'notice', SYSTEMD_LOG_COLOR: '0' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

function directives(unit: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const text = readFileSync(join(systemdDir, unit), 'utf8').replace(/\\\n/g, ' ');
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) map.set(match[1]!, [...(map.get(match[1]!) ?? []), match[2]!.trim()]);
  }
  return map;
}

describe('systemd units', () => {
  it('has the three units', () => {
    expect(units.sort()).toEqual(['bashgah-hq.service', 'bashgah-kiosk.service', 'bashgah.service']);
  });

  for (const unit of units) {
    it(`systemd-analyze verify ${unit} passes without a single warning`, () => {
      const result = verify(join(systemdDir, unit));
      expect(result.output).toBe('');
      expect(result.status).toBe(0);
    });
  }

  it('the verification catches real mistakes (negative control)', () => {
    const broken = join(scratch, 'bashgah.service');
    const text = readFileSync(join(systemdDir, 'bashgah.service'), 'utf8')
      .replace('ProtectHome=yes', 'ProtectHome=sometimes')
      .replace('ExecStart=/usr/bin/node', 'ExecStart=/usr/bin/no-such-node');
    writeFileSync(broken, text);
    const result = verify(broken);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/ProtectHome|no-such-node/);
    const typo = join(scratch, 'typo.service');
    writeFileSync(typo, '[Service]\nExecStart=/bin/true\nRestrt=always\n');
    expect(verify(typo).output).toMatch(/Unknown key 'Restrt'/);
  });

  it('systemd-analyze security rates the services well exposed at most (offline)', () => {
    // Exposure 0..10 (shown) = threshold 0..100; fails on a lost hardening line.
    const limits: Record<string, number> = { 'bashgah.service': 30, 'bashgah-hq.service': 30, 'bashgah-kiosk.service': 80 };
    for (const [unit, threshold] of Object.entries(limits)) {
      const result = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', `--threshold=${threshold}`, join(systemdDir, unit)], {
        encoding: 'utf8',
        env: { ...process.env, SYSTEMD_LOG_TARGET: 'console', SYSTEMD_COLORS: '0' },
      });
      expect(result.status, `${unit}: ${result.stdout.split('\n').at(-2)}`).toBe(0);
    }
    const weakened = join(scratch, 'bashgah.service');
    writeFileSync(weakened, readFileSync(join(systemdDir, 'bashgah.service'), 'utf8').replace(/^(Protect\w+|NoNewPrivileges|Restrict\w+|SystemCall\w+|CapabilityBoundingSet|PrivateTmp|User)=.*$/gm, ''));
    expect(spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', '--threshold=30', weakened]).status).not.toBe(0);
  });

  it('bashgah.service: notify, watchdog, own user, state, hardening, no MemoryDenyWriteExecute', () => {
    const d = directives('bashgah.service');
    const one = (key: string) => d.get(key)?.at(-1);
    expect(one('Type')).toBe('notify');
    expect(one('NotifyAccess')).toBe('all');
    expect(Number(one('WatchdogSec'))).toBeGreaterThan(0);
    expect(one('Restart')).toBe('always');
    expect(one('User')).toBe('bashgah');
    expect(one('StateDirectory')).toBe('bashgah');
    expect(one('ConfigurationDirectory')).toBe('bashgah');
    for (const key of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp', 'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectKernelLogs']) {
      expect(one(key), key).toBe('yes');
    }
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('SystemCallFilter')).toBe('@system-service');
    expect(one('RestrictAddressFamilies')?.split(' ').sort()).toEqual(['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_UNIX']);
    expect(one('MemoryDenyWriteExecute')).not.toBe('yes');
    expect(one('SupplementaryGroups')?.split(' ').sort()).toEqual(['dialout', 'gpio', 'input', 'lp', 'spi']);
    expect(d.get('DeviceAllow')?.length).toBeGreaterThanOrEqual(5);
  });

  it('bashgah.service runs Node with the V8 flags the ledger benchmark and the demo measure with', () => {
    const exec = directives('bashgah.service').get('ExecStart')?.at(-1) ?? '';
    const serviceFlags = /^\/usr\/bin\/node((?: --[a-z-]+=\S+)*) \S+\/cli\/main\.js start$/.exec(exec)?.[1]?.trim();
    expect(serviceFlags).toMatch(/^--max-semi-space-size=\d+$/);
    const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.bench).toContain(`node ${serviceFlags} dist/scripts/bench/ledger.js`);
    expect(readFileSync(new URL('../../scripts/demo.sh', import.meta.url), 'utf8')).toContain(`exec node ${serviceFlags} dist/firmware/src/cli/main.js demo`);
  });

  it('the kiosk browser: cage + chromium kiosk flags, restarted, after the service is ready', () => {
    const d = directives('bashgah-kiosk.service');
    const exec = d.get('ExecStart')?.[0] ?? '';
    expect(exec).toMatch(/^\/usr\/bin\/cage /);
    for (const flag of ['--kiosk', '--noerrdialogs', '--disable-session-crashed-bubble', '--incognito', '--no-first-run']) expect(exec).toContain(flag);
    expect(d.get('Restart')).toEqual(['always']);
    expect(d.get('After')?.join(' ')).toContain('bashgah.service');
    expect(d.get('User')).toEqual(['bashgah-kiosk']);
  });
});

describe('device files', () => {
  it('sysusers creates the service users and missing groups in an image root', () => {
    const root = join(scratch, 'root');
    mkdirSync(join(root, 'etc'), { recursive: true });
    for (const conf of ['bashgah.conf', 'bashgah-hq.conf']) {
      const result = spawnSync('systemd-sysusers', [`--root=${root}`, join(systemdDir, 'sysusers.d', conf)], { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
    }
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
    expect(passwd).toMatch(/^bashgah:x:\d+:\d+:Bashgah kiosk service:\/var\/lib\/bashgah:\/usr\/sbin\/nologin$/m);
    expect(passwd).toMatch(/^bashgah-kiosk:/m);
    expect(passwd).toMatch(/^bashgah-hq:/m);
    expect(readFileSync(join(root, 'etc/group'), 'utf8')).toMatch(/^gpio:x:\d+:$/m);
  });

  it('the polkit rule allows pcscd access for bashgah only, and only those actions', () => {
    const source = readFileSync(join(systemdDir, 'polkit/50-bashgah-pcscd.rules'), 'utf8');
    const rules: Array<(action: { id: string }, subject: { user: string }) => string> = [];
    const polkit = { Result: { YES: 'yes', NO: 'no', NOT_HANDLED: 'not-handled' }, addRule: (rule: (typeof rules)[number]) => rules.push(rule) };
    runInNewContext(source, { polkit });
    expect(rules).toHaveLength(1);
    const decide = (id: string, user: string) => rules[0]!({ id }, { user });
    expect(decide('org.debian.pcsc-lite.access_pcsc', 'bashgah')).toBe('yes');
    expect(decide('org.debian.pcsc-lite.access_card', 'bashgah')).toBe('yes');
    expect(decide('org.debian.pcsc-lite.access_pcsc', 'nobody')).toBe('not-handled');
    expect(decide('org.freedesktop.login1.reboot', 'bashgah')).toBe('not-handled');
  });

  it('the modprobe blacklist frees ACR122U readers for pcscd', () => {
    const text = readFileSync(join(systemdDir, 'modprobe.d/bashgah-blacklist-nfc.conf'), 'utf8');
    for (const module of ['pn533_usb', 'pn533', 'nfc']) expect(text).toMatch(new RegExp(`^blacklist ${module}$`, 'm'));
    for (const line of text.split('\n').filter((item) => item.trim() !== '' && !item.startsWith('#'))) {
      expect(line).toMatch(/^(blacklist \S+|install \S+ \/bin\/false)$/);
    }
  });

  it('udev rules are well-formed: every clause is KEY op "value"', () => {
    const text = readFileSync(join(systemdDir, 'udev/60-bashgah.rules'), 'utf8');
    const clause = /^(?:[A-Z_]+(?:\{[A-Za-z0-9_]+\})?)\s*(?:==|!=|\+=|-=|:=|=)\s*"[^"]*"$/;
    const labels = new Set<string>();
    const gotos: string[] = [];
    for (const line of text.split('\n').filter((item) => item.trim() !== '' && !item.trim().startsWith('#'))) {
      const clauses = line.match(/[A-Z_]+(?:\{[A-Za-z0-9_]+\})?\s*(?:==|!=|\+=|-=|:=|=)\s*"[^"]*"/g) ?? [];
      expect(clauses.join(', '), line).toBe(line.trim());
      for (const item of clauses) {
        expect(item).toMatch(clause);
        const label = /^LABEL="(.*)"$/.exec(item);
        if (label) labels.add(label[1]!);
        const goto = /^GOTO="(.*)"$/.exec(item);
        if (goto) gotos.push(goto[1]!);
      }
    }
    for (const target of gotos) expect(labels.has(target), target).toBe(true);
    expect(text).toContain('LIBINPUT_IGNORE_DEVICE');
  });

  it('journald keeps the journal in RAM with a cap', () => {
    const text = readFileSync(join(systemdDir, 'journald.conf.d/bashgah.conf'), 'utf8');
    expect(text).toMatch(/^\[Journal\]$/m);
    expect(text).toMatch(/^Storage=volatile$/m);
    expect(text).toMatch(/^RuntimeMaxUse=\d+M$/m);
    const known = new Set(['Storage', 'RuntimeMaxUse', 'RuntimeMaxFileSize', 'RuntimeKeepFree', 'MaxRetentionSec', 'Compress', 'ForwardToSyslog', 'ForwardToWall', 'RateLimitIntervalSec', 'RateLimitBurst', 'SystemMaxUse', 'SyncIntervalSec']);
    for (const line of text.split('\n').filter((item) => /^[A-Za-z]+=/.test(item))) expect(known.has(line.split('=')[0]!), line).toBe(true);
  });
});

