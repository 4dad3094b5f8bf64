import { Type, type Static } from 'typebox';

/**
 * The `loyalty` section: earning rules, tiers, expiry, rewards and engagement. Every field has
 * a default, so an empty section is a working demo club for an Iranian store. Multipliers are
 * integer percents (150 = ×1.5) so that the arithmetic stays in integers; money is Rial.
 * The rules in force are journaled in the ledger (`loyalty.configure`) whenever they change,
 * so replaying the journal later gives the same points even after the config file changed.
 */
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' });
const Title = Type.String({ minLength: 1, maxLength: 80 });
const Percent = (defaultValue: number, maximum = 1000) => Type.Integer({ minimum: 0, maximum, default: defaultValue });
const Points = (defaultValue: number) => Type.Integer({ minimum: 0, maximum: 1_000_000, default: defaultValue });
/** `MM-DD` on the calendar named next to it. */
const MonthDay = Type.String({ pattern: '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|30|31)$' });

// One survey question in the customer's two languages. Only the wording changes: the answers
// and their ranges (CSAT 1-5, NPS 0-10) stay fixed so the head office's analysis still compares.
// The kiosk asks these two and nothing else, so only these two have wording to edit.
/** Non-empty: at least one character that is not a space. */
const QuestionText = Type.String({ maxLength: 160, pattern: '\\S' });
const BilingualQuestion = Type.Object({ fa: QuestionText, en: QuestionText }, { additionalProperties: false });
/** The kiosk's built-in wording (kiosk-ui/i18n.js says the same), shown by the rules editor as the starting point. */
export const BUILT_IN_SURVEY_QUESTIONS = {
  csat: { fa: 'از خرید امروز چقدر راضی بودید؟', en: 'How happy were you with your visit today?' },
  nps: { fa: 'چقدر احتمال دارد ما را به دوستانتان پیشنهاد کنید؟', en: 'How likely are you to recommend us to a friend?' },
};
export const SurveyQuestionsSchema = Type.Object(
  { csat: BilingualQuestion, nps: BilingualQuestion },
  { additionalProperties: false, examples: [BUILT_IN_SURVEY_QUESTIONS] },
);

export const TierSchema = Type.Object(
  {
    id: Id,
    name: Title,
    minPoints: Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Points earned in the rolling window to reach this tier.' }),
    multiplierPercent: Type.Integer({ minimum: 0, maximum: 1000 }),
    discountPercent: Type.Integer({ minimum: 0, maximum: 100, description: 'Privilege shown at the POS.' }),
  },
  { additionalProperties: false },
);

export const CampaignSchema = Type.Object(
  {
    id: Id,
    name: Title,
    multiplierPercent: Type.Integer({ minimum: 0, maximum: 1000 }),
    /** Jalali `MM-DD` range, inclusive (e.g. Nowruz week 01-01..01-07). Absent: every day. */
    fromJalali: Type.Optional(MonthDay),
    toJalali: Type.Optional(MonthDay),
    /** Local hours [fromHour, toHour) — a happy hour. Absent: all day. */
    fromHour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })),
    toHour: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })),
    /** 0 = Saturday … 6 = Friday (the Iranian week). Absent: every weekday. */
    weekdays: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { maxItems: 7 })),
  },
  { additionalProperties: false },
);

export const RewardSchema = Type.Object(
  {
    id: Id,
    title: Title,
    kind: Type.Union([
      Type.Literal('percent-discount'),
      Type.Literal('rial-discount'),
      Type.Literal('free-product'),
      Type.Literal('gift'),
    ]),
    costPoints: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    percent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    amountRial: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000_000 })),
    productSku: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    validityDays: Type.Integer({ minimum: 1, maximum: 366 }),
    /** Lowest tier allowed to take it; absent = everyone. */
    minTierId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const OccasionDaySchema = Type.Object(
  {
    id: Id,
    name: Title,
    calendar: Type.Union([Type.Literal('persian'), Type.Literal('islamic-umalqura')]),
    monthDay: MonthDay,
    bonusPoints: Type.Integer({ minimum: 0, maximum: 100_000 }),
  },
  { additionalProperties: false },
);

export const GamePrizeSchema = Type.Object(
  {
    id: Id,
    label: Title,
    points: Type.Integer({ minimum: 0, maximum: 100_000 }),
    /** Published odds: weight / sum of weights. */
    weight: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);

export const LoyaltyConfigSchema = Type.Object(
  {
    timeZone: Type.String({ default: 'Asia/Tehran', maxLength: 64 }),
    earning: Type.Object(
      {
        rialPerPoint: Type.Integer({ minimum: 1, maximum: 1_000_000_000, default: 100_000 }),
        /** Applied once, to the whole receipt, after all multipliers. */
        rounding: Type.Union([Type.Literal('floor')], { default: 'floor' }),
        firstPurchaseBonusPoints: Points(50),
        profileCompletionBonusPoints: Points(20),
        /** Cap on purchase points per member per local day (bonuses are not capped). */
        dailyCapPoints: Points(1000),
        /** Purchase points stay pending (not spendable) for the return window. */
        returnWindowDays: Type.Integer({ minimum: 0, maximum: 90, default: 7 }),
        categoryMultipliers: Type.Array(
          Type.Object({ category: Id, multiplierPercent: Type.Integer({ minimum: 0, maximum: 1000 }) }, { additionalProperties: false }),
          {
            maxItems: 200,
            default: [
              { category: 'dairy', multiplierPercent: 150 },
              { category: 'tobacco', multiplierPercent: 0 },
            ],
          },
        ),
        campaigns: Type.Array(CampaignSchema, {
          maxItems: 50,
          default: [
            { id: 'nowruz-week', name: 'امتیاز دوبرابر هفته نوروز', multiplierPercent: 200, fromJalali: '01-01', toJalali: '01-07' },
            { id: 'happy-hour', name: 'ساعت خوش صبح', multiplierPercent: 150, fromHour: 9, toHour: 11, weekdays: [0, 1, 2, 3, 4] },
          ],
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    tiers: Type.Object(
      {
        windowDays: Type.Integer({ minimum: 1, maximum: 3660, default: 365 }),
        /** Each full period without a purchase drops the member one tier. */
        inactivityDowngradeDays: Type.Integer({ minimum: 1, maximum: 3660, default: 180 }),
        levels: Type.Array(TierSchema, {
          minItems: 1,
          maxItems: 10,
          default: [
            { id: 'bronze', name: 'برنزی', minPoints: 0, multiplierPercent: 100, discountPercent: 0 },
            { id: 'silver', name: 'نقره‌ای', minPoints: 500, multiplierPercent: 125, discountPercent: 3 },
            { id: 'gold', name: 'طلایی', minPoints: 2000, multiplierPercent: 150, discountPercent: 5 },
          ],
        }),
        longStandingYears: Type.Integer({ minimum: 1, maximum: 50, default: 3 }),
        /** Extra percent added to the multiplier of long-standing members. */
        longStandingBonusPercent: Percent(10, 100),
      },
      { additionalProperties: false, default: {} },
    ),
    expiry: Type.Object(
      { lifetimeMonths: Type.Integer({ minimum: 1, maximum: 120, default: 12 }) },
      { additionalProperties: false, default: {} },
    ),
    redemption: Type.Object(
      {
        /** What one point is worth when exchanged for store credit (Rial) or paid at the till. */
        rialPerPoint: Type.Integer({ minimum: 1, maximum: 100_000_000, default: 1_000 }),
        /** Partial redemption may pay at most this share of a purchase. */
        maxPercentOfPurchase: Percent(50, 100),
      },
      { additionalProperties: false, default: {} },
    ),
    retention: Type.Object(
      {
        /** Receipts are kept this long for voids and refunds (and to refuse a reused receipt id). */
        purchaseDays: Type.Integer({ minimum: 30, maximum: 3660, default: 120 }),
        /** Used or expired vouchers are forgotten this long after their expiry. */
        voucherDaysAfterExpiry: Type.Integer({ minimum: 30, maximum: 3660, default: 180 }),
      },
      { additionalProperties: false, default: {} },
    ),
    cards: Type.Object(
      { discountCardPercent: Type.Integer({ minimum: 0, maximum: 100, default: 5 }) },
      { additionalProperties: false, default: {} },
    ),
    rewards: Type.Array(RewardSchema, {
      maxItems: 200,
      default: [
        { id: 'discount-10', title: '۱۰٪ تخفیف خرید بعدی', kind: 'percent-discount', costPoints: 200, percent: 10, validityDays: 30 },
        { id: 'off-500k', title: '۵۰ هزار تومان تخفیف', kind: 'rial-discount', costPoints: 400, amountRial: 500_000, validityDays: 30 },
        { id: 'free-tea', title: 'یک بسته چای رایگان', kind: 'free-product', costPoints: 150, productSku: 'tea-500g', validityDays: 30 },
        { id: 'gift-mug', title: 'ماگ باشگاه', kind: 'gift', costPoints: 300, validityDays: 60 },
        { id: 'gold-20', title: '۲۰٪ تخفیف ویژه طلایی', kind: 'percent-discount', costPoints: 500, percent: 20, validityDays: 14, minTierId: 'gold' },
      ],
    }),
    occasions: Type.Object(
      {
        birthdayBonusPoints: Points(100),
        anniversaryBonusPoints: Points(100),
        /** An occasion missed while the kiosk was off is still granted this many days late. */
        graceDays: Type.Integer({ minimum: 0, maximum: 30, default: 7 }),
        days: Type.Array(OccasionDaySchema, {
          maxItems: 50,
          default: [
            { id: 'nowruz', name: 'نوروز', calendar: 'persian', monthDay: '01-01', bonusPoints: 50 },
            { id: 'yalda', name: 'شب یلدا', calendar: 'persian', monthDay: '09-30', bonusPoints: 30 },
            { id: 'eid-fitr', name: 'عید فطر', calendar: 'islamic-umalqura', monthDay: '10-01', bonusPoints: 30 },
            { id: 'eid-ghadir', name: 'عید غدیر', calendar: 'islamic-umalqura', monthDay: '12-18', bonusPoints: 30 },
          ],
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    referral: Type.Object(
      { referrerBonusPoints: Points(100), refereeBonusPoints: Points(50) },
      { additionalProperties: false, default: {} },
    ),
    survey: Type.Object(
      {
        periodDays: Type.Integer({ minimum: 1, maximum: 3660, default: 90 }),
        points: Points(20),
        /** The questions' wording, set by the head office. Absent: the kiosk's built-in wording. */
        questions: Type.Optional(SurveyQuestionsSchema),
      },
      { additionalProperties: false, default: {} },
    ),
    game: Type.Object(
      {
        dailyBudgetPoints: Points(2000),
        prizes: Type.Array(GamePrizeSchema, {
          minItems: 1,
          maxItems: 20,
          default: [
            { id: 'none', label: 'پوچ', points: 0, weight: 600 },
            { id: 'p5', label: '۵ امتیاز', points: 5, weight: 300 },
            { id: 'p20', label: '۲۰ امتیاز', points: 20, weight: 90 },
            { id: 'p100', label: '۱۰۰ امتیاز', points: 100, weight: 10 },
          ],
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    lottery: Type.Object(
      {
        ticketCostPoints: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 50 }),
        maxTicketsPerMember: Type.Integer({ minimum: 1, maximum: 10_000, default: 20 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type LoyaltyRules = Static<typeof LoyaltyConfigSchema>;
export type Tier = Static<typeof TierSchema>;
export type Campaign = Static<typeof CampaignSchema>;
export type Reward = Static<typeof RewardSchema>;
export type OccasionDay = Static<typeof OccasionDaySchema>;
export type GamePrize = Static<typeof GamePrizeSchema>;
export type SurveyQuestions = Static<typeof SurveyQuestionsSchema>;
