/**
 * The kiosk's WebSocket protocol, in one place. The browser (kiosk-ui/) and the runtime both
 * follow this file; kiosk-ui/protocol.js mirrors its constants for the plain-JS UI.
 *
 * - On connect the server sends a `snapshot` (everything the screen needs), then `delta`s
 *   with only what changed, each with the next `seq` (a gap means: reconnect for a snapshot).
 * - The browser sends `request`s `{id, command, payload}`; each gets exactly one `reply`
 *   with the same id: `{status: 'ok', data}` or `{status: 'error', error: {code, message}}`.
 * - Personal data (name, balance, masked mobile) only travels inside `screen` while a
 *   session shows it; the attract screen and device status carry none.
 */
import { Type, type Static } from 'typebox';
import type { DeviceState } from '../../../hardware/status.js';

export const PROTOCOL_VERSION = 1;
/** Messages larger than this are refused (the biggest legitimate request is an enrolment). */
export const MAX_MESSAGE_BYTES = 8 * 1024;

// ---- What the screen shows ---------------------------------------------------------------

export interface TierView {
  id: string;
  name: { fa: string; en: string };
}

/** A member as the customer sees themself; exists only inside a session. */
export interface MemberView {
  memberId: string;
  /** First name only: enough for a greeting, little to leak to someone looking over a shoulder. */
  firstName: string;
  maskedPhone: string;
  pointsBalance: number;
  pendingPoints: number;
  tier: TierView;
  /** Null at the top tier. */
  nextTier: { tier: TierView; pointsNeeded: number; progress: number } | null;
  /** The next lot of points to expire, if any. */
  nextExpiry: { points: number; atMs: number } | null;
  /**
   * What the member may play today: the survey (once per period) and the daily game.
   * `surveyQuestions` is the head office's wording; absent, the screen uses its built-in wording.
   */
  engagement: { surveyDue: boolean; surveyPoints: number; gameToday: boolean; surveyQuestions?: SurveyQuestionsView };
}

/** The survey questions' wording in both languages (the answers' ranges never change). */
export interface SurveyQuestionsView {
  csat: { fa: string; en: string };
  nps: { fa: string; en: string };
}

/** The daily game's outcome as the member sees it. */
export interface GameOutcomeView {
  label: string;
  points: number;
  /** The drawn prize was not given: the day's prize budget is spent. */
  withheld: boolean;
}

/** What the customer's last action did, shown on the balance screen. */
export interface CustomerNotice {
  code: 'survey-thanks';
  points: number;
}

export interface RewardView {
  rewardId: string;
  title: { fa: string; en: string };
  costPoints: number;
  affordable: boolean;
}

export interface VoucherView {
  code: string;
  expiresAtMs: number;
  /** 'printed', or 'queued' when the printer could not print it yet. */
  print: 'printed' | 'queued';
}

export interface StaffView {
  staffId: string;
  name: string;
}

/** A card tapped while in staff mode, and whom it belongs to. */
export interface CapturedCard {
  cardId: string;
  status: 'new' | 'member' | 'blocked' | 'staff';
  member?: StaffMemberView;
}

/** What staff see of a member (more than the customer screen shows, staff mode only). */
export interface StaffMemberView extends MemberView {
  name: string;
  phone: string;
  cards: Array<{ cardId: string; status: 'active' | 'blocked' }>;
}

export type Screen =
  | { name: 'attract' }
  | { name: 'looking-up' }
  | { name: 'balance'; member: MemberView; rewards: RewardView[]; notice?: CustomerNotice }
  | { name: 'survey'; member: MemberView; rewards: RewardView[] }
  | { name: 'game'; member: MemberView; rewards: RewardView[]; outcome: GameOutcomeView }
  | { name: 'rewards'; member: MemberView; rewards: RewardView[] }
  | { name: 'confirm'; member: MemberView; reward: RewardView; rewards: RewardView[] }
  | { name: 'printing'; member: MemberView; reward: RewardView }
  | { name: 'done'; member: MemberView; reward: RewardView; voucher: VoucherView }
  | { name: 'unknown-card' }
  | { name: 'blocked-card' }
  | { name: 'card-removed' }
  | { name: 'reader-trouble'; code: string }
  | { name: 'printer-trouble'; voucher: VoucherView | null }
  | { name: 'error'; code: string }
  | { name: 'staff-pin'; staffName: string; attemptsLeft: number }
  | { name: 'staff-locked'; untilMs: number }
  | { name: 'staff'; staff: StaffView; card: CapturedCard | null; member: StaffMemberView | null; notice: StaffNotice | null };

/** What the last staff action did, as a code the UI words in the screen's language. */
export interface StaffNotice {
  code: 'enrolled' | 'linked' | 'purchase-recorded' | 'card-replaced' | 'adjusted' | 'found' | 'not-found';
  points?: number;
  balance?: number;
}

export type ScreenName = Screen['name'];

export interface DeviceSummary {
  readers: DeviceState;
  printer: DeviceState;
  /** True while the printer cannot print (out of paper, offline): the UI warns before redeeming. */
  printerReady: boolean;
}

export interface DisplaySettings {
  storeName: string;
  language: 'fa' | 'en';
  currency: 'toman' | 'rial';
  idleTimeoutSeconds: number;
}

/** The idle countdown of the current screen; null on screens that do not time out. */
export interface IdleCountdown {
  totalSeconds: number;
  remainingSeconds: number;
}

export interface KioskView {
  screen: Screen;
  idle: IdleCountdown | null;
  devices: DeviceSummary;
  settings: DisplaySettings;
}

// ---- Server → browser --------------------------------------------------------------------

export type ServerMessage =
  | { type: 'snapshot'; protocol: number; seq: number; view: KioskView }
  | { type: 'delta'; seq: number; changes: Partial<KioskView> }
  | { type: 'reply'; id: RequestId; status: 'ok'; data: unknown }
  | { type: 'reply'; id: RequestId; status: 'error'; error: { code: string; message: string } };

// ---- Browser → server --------------------------------------------------------------------

const Empty = Type.Object({}, { additionalProperties: false });
const Pin = Type.String({ pattern: '^[0-9]{4,8}$' });
const Name = Type.String({ minLength: 2, maxLength: 80 });
const Phone = Type.String({ minLength: 10, maxLength: 20 });
const IsoDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const MemberId = Type.String({ minLength: 1, maxLength: 64 });
const Language = Type.Union([Type.Literal('fa'), Type.Literal('en')]);

/** Every command the browser may send, with the schema its payload must match. */
export const CommandSchemas = {
  /** Any touch on a timed screen: restarts the idle countdown. */
  'session.touch': Empty,
  'session.showRewards': Empty,
  'session.selectReward': Type.Object({ rewardId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  'session.confirm': Type.Object({ language: Language }, { additionalProperties: false }),
  'session.back': Empty,
  'session.startSurvey': Empty,
  'session.submitSurvey': Type.Object(
    { csat: Type.Integer({ minimum: 1, maximum: 5 }), nps: Type.Integer({ minimum: 0, maximum: 10 }) },
    { additionalProperties: false },
  ),
  'session.playGame': Empty,
  'session.end': Empty,
  'staff.pin': Type.Object({ pin: Pin }, { additionalProperties: false }),
  'staff.enrol': Type.Object(
    {
      name: Name,
      phone: Phone,
      birthday: Type.Optional(IsoDate),
      anniversary: Type.Optional(IsoDate),
      smsConsent: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
  'staff.findByPhone': Type.Object({ phone: Phone }, { additionalProperties: false }),
  'staff.linkCard': Type.Object({ memberId: MemberId }, { additionalProperties: false }),
  'staff.purchase': Type.Object(
    { memberId: MemberId, amountRial: Type.Integer({ minimum: 1, maximum: 100_000_000_000 }) },
    { additionalProperties: false },
  ),
  /** Blocks a lost card and moves its balance to the card captured now. */
  'staff.replaceCard': Type.Object(
    { lostCardId: Type.String({ minLength: 1, maxLength: 128 }) },
    { additionalProperties: false },
  ),
  'staff.adjust': Type.Object(
    {
      memberId: MemberId,
      points: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, not: { const: 0 } }),
      reason: Type.String({ minLength: 3, maxLength: 200 }),
    },
    { additionalProperties: false },
  ),
  'staff.clear': Empty,
  'staff.exit': Empty,
} as const;

export type CommandName = keyof typeof CommandSchemas;
export type CommandPayload<C extends CommandName> = Static<(typeof CommandSchemas)[C]>;
export type RequestId = number | string;

export const RequestSchema = Type.Object(
  {
    type: Type.Literal('request'),
    id: Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1, maxLength: 64 })]),
    command: Type.String({ minLength: 1, maxLength: 64 }),
    payload: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
export type ClientRequest = Static<typeof RequestSchema>;
