import type { CardEvent, CardReaders, ReaderProblem } from '../../../hardware/readers/types.js';
import type { ReceiptPrinter } from '../../../hardware/printer/types.js';
import type { Indicator } from '../../../hardware/indicator/types.js';
import type { DeviceState, DeviceStatus } from '../../../hardware/status.js';
import type { Logger } from '../log/logger.js';
import type { AuditLog } from './audit.js';
import type { Club } from './club-types.js';
import type { StaffGate } from './staff/gate.js';
import { idleSecondsFor, transition, type SessionEvent } from './session.js';
import { ApiError, toApiError } from '../server/errors.js';
import type { CommandName, CommandPayload, DeviceSummary, DisplaySettings, IdleCountdown, KioskView, Screen, ServerMessage } from './protocol.js';
import { PROTOCOL_VERSION } from './protocol.js';
import { StaffCommands } from './staff-commands.js';
import { printVoucher } from './voucher-receipt.js';

export interface RuntimeOptions {
  club: Club;
  staffGate: StaffGate;
  readers: CardReaders;
  printer: ReceiptPrinter;
  indicator: Indicator;
  settings: DisplaySettings;
  audit: AuditLog;
  logger: Logger;
  /** How long a print may take before the screen says the voucher is queued. */
  printTimeoutMs?: number;
}

const MAX_LISTENERS = 16;
/** Customers act through the touchscreen; the journal records it as such (never their name). */
const KIOSK_ACTOR = { kind: 'kiosk' as const, id: 'touchscreen' };
const DEVICE_ORDER: DeviceState[] = ['ok', 'disabled', 'degraded', 'absent', 'offline'];

/**
 * The kiosk runtime: owns the session, reacts to the readers, prints, and tells every
 * connected screen what to show. It boots and works without any screen connected; the
 * WebSocket only calls `connect` and `execute`.
 */
export class KioskRuntime {
  private screen: Screen = { name: 'attract' };
  private idle: IdleCountdown | null = null;
  private idleTimer: NodeJS.Timeout | undefined;
  private seq = 0;
  /** Increases on every accepted transition, so a late async result cannot land on a new screen. */
  private generation = 0;
  private readonly listeners = new Set<(message: ServerMessage) => void>();
  private readonly staff: StaffCommands;
  private pendingStaffId: string | null = null;
  private lastDevices: DeviceSummary | null = null;

  constructor(private readonly options: RuntimeOptions) {
    this.staff = new StaffCommands(options.club, (event) => this.dispatch(event), () => this.screen);
  }

  start(): void {
    const { readers, printer } = this.options;
    readers.on('card', this.onCard);
    readers.on('removed', this.onRemoved);
    readers.on('problem', this.onProblem);
    readers.on('status', this.onDeviceStatus);
    printer.on('status', this.onDeviceStatus);
  }

  stop(): void {
    const { readers } = this.options;
    readers.off('card', this.onCard);
    readers.off('removed', this.onRemoved);
    readers.off('problem', this.onProblem);
    readers.off('status', this.onDeviceStatus);
    clearInterval(this.idleTimer);
    this.listeners.clear();
  }

  view(): KioskView {
    return { screen: this.screen, idle: this.idle, devices: this.devices(), settings: this.options.settings };
  }

  connect(send: (message: ServerMessage) => void): () => void {
    if (this.listeners.size >= MAX_LISTENERS) throw new ApiError('SERVICE_UNAVAILABLE', 'Too many screens connected.');
    send({ type: 'snapshot', protocol: PROTOCOL_VERSION, seq: this.seq, view: this.view() });
    this.listeners.add(send);
    return () => this.listeners.delete(send);
  }

  /** The one command path for the screen. */
  async execute(command: CommandName, payload: unknown): Promise<unknown> {
    switch (command) {
      case 'session.touch':
        this.restartIdle();
        return null;
      case 'session.showRewards':
        return this.must({ type: 'show-rewards' });
      case 'session.selectReward':
        return this.must({ type: 'select-reward', rewardId: (payload as CommandPayload<'session.selectReward'>).rewardId });
      case 'session.back':
        return this.must({ type: 'back' });
      case 'session.end':
        return this.must({ type: 'end' });
      case 'session.startSurvey':
        return this.must({ type: 'start-survey' });
      case 'session.submitSurvey':
        return this.submitSurvey(payload as CommandPayload<'session.submitSurvey'>);
      case 'session.playGame':
        return this.playGame();
      case 'session.confirm':
        return this.confirm((payload as CommandPayload<'session.confirm'>).language);
      case 'staff.pin':
        return this.checkPin((payload as CommandPayload<'staff.pin'>).pin);
      case 'staff.exit':
        this.pendingStaffId = null;
        return this.must({ type: 'end' });
      default:
        return this.staff.execute(command, payload);
    }
  }

  // ---- Reader events -----------------------------------------------------------------------

  private readonly onCard = (event: CardEvent): void => {
    const { club, staffGate, indicator, logger } = this.options;
    if (this.screen.name === 'staff') {
      indicator.signal('success');
      this.staff.capture(event.cardId);
      return;
    }
    const staffMember = staffGate.staffForCard(event.cardId);
    if (staffMember) {
      const lockedUntil = staffGate.lockedUntil(staffMember);
      indicator.signal(lockedUntil === null ? 'attention' : 'error');
      this.pendingStaffId = lockedUntil === null ? staffMember.id : null;
      this.dispatch(lockedUntil === null
        ? { type: 'staff-card', staffName: staffMember.name, attemptsLeft: staffGate.attemptsLeft(staffMember.id) }
        : { type: 'staff-locked', untilMs: lockedUntil });
      return;
    }
    if (!this.dispatch({ type: 'card-read' })) {
      indicator.signal('attention');
      return;
    }
    try {
      const found = club.lookupCard(event.cardId);
      if (found.kind === 'member') {
        indicator.signal('success');
        this.dispatch({ type: 'member-found', member: club.memberView(found.memberId), rewards: club.rewards(found.memberId) });
      } else {
        indicator.signal(found.kind === 'unknown' ? 'unknown-card' : 'error');
        this.dispatch({ type: found.kind === 'unknown' ? 'card-unknown' : 'card-blocked' });
      }
    } catch (error) {
      logger.error({ err: error, technology: event.technology }, 'card lookup failed');
      indicator.signal('error');
      this.dispatch({ type: 'lookup-failed', code: toApiError(error).code });
    }
  };

  private readonly onRemoved = (): void => {
    if (this.screen.name === 'looking-up') this.dispatch({ type: 'card-removed' });
  };

  private readonly onProblem = (problem: ReaderProblem): void => {
    this.options.indicator.signal('error');
    this.options.logger.warn({ readerId: problem.readerId, code: problem.code }, 'reader problem');
    this.dispatch(problem.code === 'CARD_REMOVED_MID_READ' ? { type: 'card-removed' } : { type: 'reader-problem', code: problem.code });
  };

  private readonly onDeviceStatus = (_status: DeviceStatus): void => {
    // Drivers report often (every status poll); screens hear only about changes.
    const devices = this.devices();
    if (JSON.stringify(devices) === JSON.stringify(this.lastDevices)) return;
    this.lastDevices = devices;
    this.broadcast({ devices });
  };

  // ---- Session steps ----------------------------------------------------------------------

  private async confirm(language: 'fa' | 'en'): Promise<unknown> {
    const screen = this.screen;
    if (screen.name !== 'confirm') throw new ApiError('NOT_IN_SESSION');
    this.must({ type: 'confirm' });
    const generation = this.generation;
    const { club, printer, settings, logger, indicator } = this.options;
    const actor = KIOSK_ACTOR;
    try {
      const issued = await club.redeemReward(screen.member.memberId, screen.reward.rewardId, `redeem-${generation}-${screen.reward.rewardId}-${screen.member.memberId}`, actor);
      const print = await printVoucher(printer, issued, language, settings.storeName, this.options.printTimeoutMs ?? 20_000, logger);
      if (generation === this.generation) {
        indicator.signal(print === 'printed' ? 'success' : 'attention');
        this.dispatch({ type: 'voucher-issued', member: issued.member, voucher: { code: issued.code, expiresAtMs: issued.expiresAtMs, print } });
      }
      return { code: issued.code, print };
    } catch (error) {
      const apiError = toApiError(error);
      indicator.signal('error');
      if (generation === this.generation) this.dispatch({ type: 'redeem-failed', code: apiError.code });
      throw apiError;
    }
  }

  private async submitSurvey(answers: CommandPayload<'session.submitSurvey'>): Promise<unknown> {
    const screen = this.screen;
    if (screen.name !== 'survey') throw new ApiError('NOT_IN_SESSION');
    const generation = this.generation;
    const { club } = this.options;
    const memberId = screen.member.memberId;
    const points = await club.submitSurvey(memberId, answers, KIOSK_ACTOR);
    if (generation === this.generation) this.dispatch({ type: 'survey-done', member: club.memberView(memberId), rewards: club.rewards(memberId), points });
    return { points };
  }

  private async playGame(): Promise<unknown> {
    const screen = this.screen;
    if (screen.name !== 'balance' || !screen.member.engagement.gameToday) throw new ApiError('NOT_IN_SESSION');
    const generation = this.generation;
    const { club, indicator } = this.options;
    const memberId = screen.member.memberId;
    const outcome = await club.playGame(memberId, KIOSK_ACTOR);
    if (outcome.points > 0) indicator.signal('success');
    if (generation === this.generation) this.dispatch({ type: 'game-played', member: club.memberView(memberId), rewards: club.rewards(memberId), outcome });
    return outcome;
  }

  private async checkPin(pin: string): Promise<unknown> {
    const staffId = this.pendingStaffId;
    if (this.screen.name !== 'staff-pin' || staffId === null) throw new ApiError('NOT_IN_SESSION');
    const result = await this.options.staffGate.checkPin(staffId, pin);
    if (result.outcome === 'ok') {
      this.pendingStaffId = null;
      this.dispatch({ type: 'staff-in', staff: { staffId: result.staff.id, name: result.staff.name } });
      return { signedIn: true };
    }
    if (result.outcome === 'locked') {
      this.pendingStaffId = null;
      this.dispatch({ type: 'staff-locked', untilMs: result.untilMs });
      throw new ApiError('STAFF_LOCKED');
    }
    this.dispatch({ type: 'staff-pin-wrong', attemptsLeft: result.attemptsLeft });
    throw new ApiError('WRONG_PIN', undefined, { attemptsLeft: result.attemptsLeft });
  }

  // ---- State and broadcasting ------------------------------------------------------------

  /** Applies an event; returns whether the session accepted it. */
  private dispatch(event: SessionEvent): boolean {
    const next = transition(this.screen, event);
    if (!next.accepted) return false;
    this.screen = next.screen;
    this.generation++;
    if (next.screen.name === 'attract') this.pendingStaffId = null;
    this.restartIdle(false);
    this.broadcast({ screen: this.screen, idle: this.idle });
    return true;
  }

  private must(event: SessionEvent): null {
    if (!this.dispatch(event)) throw new ApiError('NOT_IN_SESSION');
    return null;
  }

  private restartIdle(announce = true): void {
    clearInterval(this.idleTimer);
    this.idleTimer = undefined;
    const seconds = idleSecondsFor(this.screen, { customerSeconds: this.options.settings.idleTimeoutSeconds });
    this.idle = seconds === null ? null : { totalSeconds: seconds, remainingSeconds: seconds };
    if (this.idle) {
      this.idleTimer = setInterval(() => this.tick(), 1000);
      this.idleTimer.unref();
    }
    if (announce) this.broadcast({ idle: this.idle });
  }

  private tick(): void {
    if (!this.idle) return;
    const remainingSeconds = this.idle.remainingSeconds - 1;
    if (remainingSeconds <= 0) {
      // Back to the attract screen: the personal data on screen is replaced by nothing.
      this.dispatch({ type: 'timeout' });
      return;
    }
    this.idle = { ...this.idle, remainingSeconds };
    this.broadcast({ idle: this.idle });
  }

  private devices(): DeviceSummary {
    const readerStates = this.options.readers.statuses().map((status) => status.state);
    const worst = readerStates.reduce<DeviceState>((acc, state) => (DEVICE_ORDER.indexOf(state) > DEVICE_ORDER.indexOf(acc) ? state : acc), readerStates.length ? 'ok' : 'absent');
    const printer = this.options.printer.status().state;
    return { readers: worst, printer, printerReady: printer === 'ok' || printer === 'degraded' };
  }

  private broadcast(changes: Partial<KioskView>): void {
    this.seq++;
    const message: ServerMessage = { type: 'delta', seq: this.seq, changes };
    for (const send of this.listeners) {
      try {
        send(message);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'a screen could not be updated');
      }
    }
  }
}
