import { existsSync } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { ReaderEntry } from '../../../hardware/readers/config.js';
import { resolveBcmPins } from '../../../hardware/indicator/gpio-chip.js';
import { decodePaperStatus, queryBytes, type StatusQuery } from '../../../hardware/printer/escpos/status-codec.js';
import type { HealthProbe } from './service-probe.js';

/**
 * `bashgah doctor`'s hardware checks: pcscd, each reader, the printer's paper, GPIO. Every
 * path and address comes in through `HardwareFacts`, so tests run them against fake trees and
 * real sockets. When the service is running it owns the devices: its /healthz is asked instead.
 */
export type CheckState = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  name: string;
  state: CheckState;
  detail: string;
  /** For warn and fail: one sentence saying what to do. */
  fix?: string;
}

export interface HardwareFacts {
  config: Config;
  pcscdSocket: string;
  devRoot: string;
  health: HealthProbe;
}

const PROBE_TIMEOUT_MS = 2000;

function result(name: string, state: CheckState, detail: string, fix?: string): CheckResult {
  return { name, state, detail, ...(fix !== undefined && state !== 'ok' && { fix }) };
}

/** Connects to a unix or TCP socket; resolves with the socket's error code, or 'ok'. */
function tryConnect(target: { path: string } | { host: string; port: number }, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(target);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('ETIMEDOUT');
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('ok');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code ?? error.message);
    });
  });
}

export async function checkPcscd(facts: HardwareFacts): Promise<CheckResult> {
  const needed = facts.config.hardware.readers.drivers.some((entry) => entry.driver === 'pcsc');
  if (!needed) return result('pcscd', 'ok', 'not needed: no PC/SC reader is configured');
  const outcome = await tryConnect({ path: facts.pcscdSocket }, PROBE_TIMEOUT_MS);
  if (outcome === 'ok') return result('pcscd', 'ok', `running (${facts.pcscdSocket} answers)`);
  if (outcome === 'ENOENT') return result('pcscd', 'fail', `not running: ${facts.pcscdSocket} does not exist`, 'start it and keep it on: sudo systemctl enable --now pcscd.socket');
  if (outcome === 'EACCES') return result('pcscd', 'fail', `${facts.pcscdSocket} refuses this user`, 'install the polkit rule that lets the service user use pcscd (systemd/ in the release), then sudo systemctl restart pcscd');
  return result('pcscd', 'fail', `${facts.pcscdSocket} does not answer (${outcome})`, 'restart it: sudo systemctl restart pcscd.socket pcscd.service');
}

async function deviceProblem(path: string): Promise<string | undefined> {
  try {
    await access(path, constants.R_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'unreadable';
  }
}

async function checkReader(entry: ReaderEntry, facts: HardwareFacts): Promise<CheckResult> {
  const name = `reader ${entry.id}`;
  switch (entry.driver) {
    case 'simulated':
      return result(name, 'warn', 'simulated: real cards are not read', 'configure the real reader in hardware.readers.drivers (bashgah config set)');
    case 'pcsc': {
      const ok = (await tryConnect({ path: facts.pcscdSocket }, PROBE_TIMEOUT_MS)) === 'ok';
      return ok
        ? result(name, 'ok', 'PC/SC readers are found through pcscd; try one with bashgah tap-test')
        : result(name, 'fail', 'pcscd is not reachable, so no PC/SC reader can be used', 'fix pcscd first (see the pcscd line)');
    }
    case 'magstripe':
    case 'wedge': {
      const path = String(entry.driver === 'magstripe' ? entry.path : entry.device);
      const problem = await deviceProblem(path);
      if (problem === undefined) return result(name, 'ok', `${path} is present`);
      return problem === 'ENOENT'
        ? result(name, 'fail', `${path} does not exist`, `check the reader's USB cable, then look for it under ${entry.driver === 'wedge' ? '/dev/input/by-id' : '/dev/serial/by-id'} and set its path`)
        : result(name, 'fail', `${path} cannot be read (${problem})`, 'install the udev rules from the release (systemd/) so the service user may read it, then replug the reader');
    }
    case 'rc522': {
      const gpiomem = join(facts.devRoot, 'gpiomem');
      return existsSync(gpiomem)
        ? result(name, 'ok', `${gpiomem} is present; try the reader with bashgah tap-test`)
        : result(name, 'fail', `${gpiomem} does not exist: the RC522 needs the Pi's GPIO`, 'use Raspberry Pi OS on a Pi and enable SPI: sudo raspi-config nonint do_spi 0, then reboot');
    }
    default:
      return result(name, 'fail', `unknown driver "${entry.driver}"`, 'set a valid driver in hardware.readers.drivers');
  }
}

export async function checkReaders(facts: HardwareFacts): Promise<CheckResult[]> {
  if (facts.health.answered) {
    const readers = facts.health.report.checks.readers;
    const state: CheckState = readers.state === 'ok' || readers.state === 'disabled' ? 'ok' : 'fail';
    return [result('readers', state, `from the running service: ${readers.state}${readers.detail ? ` (${readers.detail})` : ''}`, 'check the reader cables; bashgah logs shows what the readers report')];
  }
  if (facts.config.hardware.readers.drivers.length === 0) return [result('readers', 'warn', 'no reader is configured', 'add one to hardware.readers.drivers')];
  return Promise.all(facts.config.hardware.readers.drivers.map((entry) => checkReader(entry, facts)));
}

function askPaper(host: string, port: number, query: StatusQuery, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => finish('no answer to the status query'), timeoutMs);
    function finish(value: number | string) {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    }
    socket.once('connect', () => socket.write(queryBytes(query)));
    socket.once('data', (data: Buffer) => finish(data[0] ?? 'empty answer'));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });
}

const PAPER_FIX = 'put in a new roll (thermal side towards the print head) and close the lid';

export async function checkPrinter(facts: HardwareFacts): Promise<CheckResult> {
  const printer = facts.config.hardware.printer;
  if (facts.health.answered) {
    const check = facts.health.report.checks.printer;
    const state: CheckState = check.state === 'ok' || check.state === 'disabled' ? 'ok' : check.state === 'degraded' ? 'warn' : 'fail';
    return result('printer paper', state, `from the running service: ${check.state}${check.detail ? ` (${check.detail})` : ''}`, `${PAPER_FIX}; if the paper is fine, check the printer's power and cable`);
  }
  if (printer.driver === 'none') return result('printer paper', 'warn', 'no printer is configured', 'set hardware.printer.driver to escpos and hardware.printer.interface to the printer');
  if (printer.driver === 'simulated') return result('printer paper', 'warn', 'simulated printer: nothing is printed on paper', 'set hardware.printer.driver to escpos for the real printer');
  const tcp = /^tcp:\/\/\[?([A-Za-z0-9.:-]+?)\]?:(\d+)$/.exec(printer.interface);
  if (!tcp) {
    const problem = await deviceProblem(printer.interface);
    if (problem === 'ENOENT') return result('printer paper', 'fail', `${printer.interface} does not exist`, 'check the printer is on and its USB cable is in; dmesg shows whether it was found');
    if (problem !== undefined) return result('printer paper', 'fail', `${printer.interface} cannot be opened (${problem})`, 'install the udev rules from the release (systemd/) and replug the printer');
    return result('printer paper', 'warn', `${printer.interface} is present, but a device file cannot report the paper`, 'print a test receipt: bashgah test-print');
  }
  const [, host = '', portText = '0'] = tcp;
  const query: StatusQuery | undefined = printer.statusQuery === 'gs-r' ? 'gs-r' : printer.statusQuery === 'none' || (printer.statusQuery === 'auto' && printer.model === 'star') ? undefined : 'dle-eot';
  const timeoutMs = Math.min(printer.timeoutMs, PROBE_TIMEOUT_MS);
  if (query === undefined) {
    const reach = await tryConnect({ host, port: Number(portText) }, timeoutMs);
    return reach === 'ok'
      ? result('printer paper', 'warn', `${printer.interface} answers, but paper status is not asked (statusQuery ${printer.statusQuery})`, 'print a test receipt: bashgah test-print')
      : result('printer paper', 'fail', `${printer.interface} does not answer (${reach})`, "check the printer's power and network cable and that its IP address matches hardware.printer.interface");
  }
  const reply = await askPaper(host, Number(portText), query, timeoutMs);
  if (typeof reply === 'string') {
    return result('printer paper', 'fail', `${printer.interface}: ${reply}`, "check the printer's power and network cable and that its IP address matches hardware.printer.interface (hold FEED while switching it on to print its settings)");
  }
  try {
    const paper = decodePaperStatus(query, reply);
    if (paper === 'ok') return result('printer paper', 'ok', `paper loaded (${printer.interface})`);
    if (paper === 'near-end') return result('printer paper', 'warn', 'the paper roll is nearly used up', 'have a new roll ready beside the kiosk');
    return result('printer paper', 'fail', 'the printer is out of paper', PAPER_FIX);
  } catch {
    return result('printer paper', 'warn', `unexpected status answer 0x${reply.toString(16)}`, 'set hardware.printer.statusQuery to gs-r or none for this model');
  }
}

export async function checkGpio(facts: HardwareFacts): Promise<CheckResult> {
  const indicator = facts.config.hardware.indicator;
  if (indicator.driver !== 'gpio') return result('gpio', 'ok', `not used (indicator driver ${indicator.driver})`);
  try {
    await stat(indicator.sysfsRoot);
  } catch {
    return result('gpio', 'fail', `${indicator.sysfsRoot} does not exist: this kernel has no GPIO sysfs`, 'use the Raspberry Pi OS kernel (it has CONFIG_GPIO_SYSFS), or set hardware.indicator.driver to none');
  }
  try {
    const { chip, numbers } = await resolveBcmPins(indicator.sysfsRoot, indicator.chipLabels, indicator.pins);
    return result('gpio', 'ok', `${chip.name} "${chip.label}" base ${chip.base}; pins ${JSON.stringify(numbers)}`);
  } catch (error) {
    return result('gpio', 'fail', (error as Error).message, "add this board's chip label to hardware.indicator.chipLabels (see the labels listed), or check the pin numbers");
  }
}
