// Words, numbers and dates in the screen's language. Persian first: Persian digits, Jalali
// dates, amounts in Toman or Rial as the store chose. English is a toggle for visitors.

/** @typedef {'fa'|'en'} Language */

const STRINGS = {
  fa: {
    storeWelcome: 'به باشگاه مشتریان خوش آمدید',
    tapCard: 'کارت باشگاه را نزدیک کنید',
    tapHint: 'امتیاز، سطح و هدیه‌های خود را ببینید',
    reading: 'در حال خواندن کارت…',
    hello: 'سلام {name}',
    points: 'امتیاز',
    yourPoints: 'امتیاز شما',
    pending: '{n} امتیاز به‌زودی قابل استفاده می‌شود',
    tier: 'سطح',
    toNextTier: '{n} امتیاز تا سطح {tier}',
    topTier: 'شما در بالاترین سطح هستید',
    expires: '{n} امتیاز در {date} منقضی می‌شود',
    rewards: 'هدیه‌ها',
    survey: 'نظرسنجی (+{n} امتیاز)',
    game: 'بازی روزانه',
    surveyTitle: 'نظر شما برای ما مهم است',
    csatQuestion: 'از خرید امروز چقدر راضی بودید؟',
    npsQuestion: 'چقدر احتمال دارد ما را به دوستانتان پیشنهاد کنید؟',
    send: 'ارسال',
    surveyThanks: 'از نظر شما ممنونیم! {n} امتیاز گرفتید.',
    gameTitle: 'بازی روزانه',
    gameWon: 'تبریک! {label}',
    gamePoints: '{n} امتیاز به حساب شما اضافه شد',
    gameNothing: 'این بار پوچ بود؛ فردا دوباره امتحان کنید!',
    gameWithheld: 'جایزه‌های امروز تمام شده؛ فردا دوباره امتحان کنید!',
    rewardsAvailable: '{n} هدیه در دسترس',
    noRewards: 'هنوز هدیه‌ای در دسترس نیست',
    needMore: '{n} امتیاز دیگر لازم است',
    choose: 'انتخاب',
    back: 'بازگشت',
    finish: 'پایان',
    confirmTitle: 'دریافت هدیه',
    confirmText: '«{reward}» با {n} امتیاز؟',
    confirmYes: 'بله، چاپ کوپن',
    printerWarning: 'چاپگر آماده نیست؛ کوپن ثبت می‌شود و بعداً چاپ خواهد شد.',
    printing: 'در حال چاپ کوپن…',
    doneTitle: 'کوپن شما چاپ شد',
    doneText: 'کوپن را هنگام پرداخت به صندوق‌دار نشان دهید.',
    voucherCode: 'کد کوپن',
    validUntil: 'معتبر تا {date}',
    pointsLeft: 'مانده امتیاز: {n}',
    unknownTitle: 'این کارت هنوز عضو باشگاه نیست',
    unknownText: 'عضویت رایگان است! از صندوق‌دار بخواهید کارت شما را ثبت کند و از اولین خرید امتیاز بگیرید.',
    blockedTitle: 'این کارت مسدود شده است',
    blockedText: 'برای دریافت کارت جدید و انتقال امتیازها به صندوق‌دار مراجعه کنید.',
    removedTitle: 'کارت زود برداشته شد',
    removedText: 'کارت را دوباره نزدیک کنید و یک لحظه نگه دارید.',
    readerTitle: 'کارت خوانده نشد',
    readerText: 'لطفاً دوباره امتحان کنید. اگر تکرار شد، به صندوق‌دار بگویید.',
    printerTitle: 'چاپگر در دسترس نیست',
    printerText: 'کوپن شما ثبت شد و به محض آماده شدن چاپگر چاپ می‌شود. کد را یادداشت کنید یا به صندوق‌دار بگویید.',
    errorTitle: 'متأسفیم، کاری پیش نرفت',
    errorText: 'چیزی از امتیاز شما کم نشد. لطفاً دوباره امتحان کنید.',
    clearingIn: 'پاک شدن صفحه تا {n} ثانیه دیگر',
    reconnecting: 'در حال اتصال دوباره…',
    readersDown: 'کارت‌خوان در دسترس نیست',
    language: 'English',
    staffPinTitle: '{name}، رمز خود را وارد کنید',
    attemptsLeft: '{n} تلاش باقی مانده',
    wrongPin: 'رمز نادرست است',
    staffLockedTitle: 'ورود کارمند قفل شد',
    staffLockedText: 'به دلیل رمزهای نادرست تا ساعت {time} قفل است.',
    enter: 'ورود',
    cancel: 'انصراف',
    staffMode: 'حالت کارمند',
    exit: 'خروج',
    tapNewCard: 'کارت مشتری را نزدیک کنید',
    cardNew: 'کارت جدید (ثبت نشده)',
    cardMember: 'کارت عضو',
    cardBlocked: 'کارت مسدود',
    cardStaff: 'کارت کارمند',
    enrol: 'عضویت جدید',
    find: 'جستجو با موبایل',
    purchase: 'ثبت خرید',
    adjust: 'اصلاح امتیاز',
    replace: 'جایگزینی کارت گم‌شده',
    link: 'اتصال کارت به این عضو',
    name: 'نام و نام خانوادگی',
    mobile: 'شماره موبایل',
    birthday: 'تاریخ تولد (شمسی)',
    anniversary: 'سالگرد ازدواج (شمسی)',
    smsConsent: 'مایل به دریافت پیامک است',
    save: 'ثبت',
    amount: 'مبلغ خرید ({unit})',
    pointsDelta: 'امتیاز (+ یا −)',
    reason: 'دلیل',
    lostCard: 'کدام کارت گم شده است؟',
    toman: 'تومان',
    rial: 'ریال',
    member: 'عضو',
    phone: 'موبایل',
    cards: 'کارت‌ها',
    noticeEnrolled: 'عضو جدید ثبت شد',
    noticeLinked: 'کارت به عضو متصل شد',
    noticePurchase: 'خرید ثبت شد: {points} امتیاز (پس از مهلت مرجوعی قابل استفاده)',
    pendingShort: '+{n} امتیاز در انتظار',
    noticeReplaced: 'کارت قبلی مسدود و امتیازها منتقل شد',
    noticeAdjusted: 'امتیاز اصلاح شد؛ مانده {balance}',
    noticeFound: 'عضو پیدا شد',
    noticeNotFound: 'عضوی با این شماره نیست',
    space: 'فاصله',
    yes: 'بله',
    no: 'خیر',
    reasons: ['جبران خطای صندوق', 'هدیه مدیر', 'اصلاح دستی'],
    errors: {
      INVALID_PHONE: 'شماره موبایل درست نیست',
      PHONE_IN_USE: 'این شماره برای عضو دیگری ثبت شده است',
      CARD_IN_USE: 'این کارت قبلاً ثبت شده است',
      CARD_BLOCKED: 'این کارت مسدود است',
      MEMBER_NOT_FOUND: 'عضو پیدا نشد',
      INSUFFICIENT_POINTS: 'امتیاز کافی نیست',
      VALIDATION_FAILED: 'اطلاعات واردشده کامل یا درست نیست',
      NOT_IN_SESSION: 'این کار در این صفحه ممکن نیست',
      ALREADY_DONE_TODAY: 'امروز قبلاً انجام شده است',
      WRONG_PIN: 'رمز نادرست است',
      STAFF_LOCKED: 'ورود قفل شد',
      TIMEOUT: 'پاسخی نیامد؛ دوباره امتحان کنید',
      OFFLINE: 'اتصال برقرار نیست',
    },
  },
  en: {
    storeWelcome: 'Welcome to our customer club',
    tapCard: 'Tap your club card',
    tapHint: 'See your points, tier and rewards',
    reading: 'Reading your card…',
    hello: 'Hello {name}',
    points: 'points',
    yourPoints: 'Your points',
    pending: '{n} points will be usable soon',
    tier: 'Tier',
    toNextTier: '{n} points to {tier}',
    topTier: 'You are at the top tier',
    expires: '{n} points expire on {date}',
    rewards: 'Rewards',
    survey: 'Survey (+{n} points)',
    game: 'Daily game',
    surveyTitle: 'Your opinion matters',
    csatQuestion: 'How happy were you with your visit today?',
    npsQuestion: 'How likely are you to recommend us to a friend?',
    send: 'Send',
    surveyThanks: 'Thank you! You earned {n} points.',
    gameTitle: 'Daily game',
    gameWon: 'Congratulations! {label}',
    gamePoints: '{n} points added to your account',
    gameNothing: 'No prize this time; try again tomorrow!',
    gameWithheld: "Today's prizes are all given out; try again tomorrow!",
    rewardsAvailable: '{n} rewards available',
    noRewards: 'No rewards available yet',
    needMore: '{n} more points needed',
    choose: 'Choose',
    back: 'Back',
    finish: 'Done',
    confirmTitle: 'Get this reward',
    confirmText: '“{reward}” for {n} points?',
    confirmYes: 'Yes, print voucher',
    printerWarning: 'The printer is not ready; the voucher is saved and will print later.',
    printing: 'Printing your voucher…',
    doneTitle: 'Your voucher is printed',
    doneText: 'Show the voucher at the till when you pay.',
    voucherCode: 'Voucher code',
    validUntil: 'Valid until {date}',
    pointsLeft: 'Points left: {n}',
    unknownTitle: 'This card is not in the club yet',
    unknownText: 'Joining is free! Ask the cashier to register your card and earn points from your first purchase.',
    blockedTitle: 'This card is blocked',
    blockedText: 'Please ask the cashier for a new card; your points move with you.',
    removedTitle: 'The card was removed too soon',
    removedText: 'Tap your card again and hold it for a moment.',
    readerTitle: 'The card could not be read',
    readerText: 'Please try again. If it keeps happening, tell the cashier.',
    printerTitle: 'The printer is unavailable',
    printerText: 'Your voucher is saved and will print as soon as the printer is back. Note the code or tell the cashier.',
    errorTitle: 'Sorry, something went wrong',
    errorText: 'No points were taken. Please try again.',
    clearingIn: 'Clearing in {n} s',
    reconnecting: 'Reconnecting…',
    readersDown: 'Card reader unavailable',
    language: 'فارسی',
    staffPinTitle: '{name}, enter your PIN',
    attemptsLeft: '{n} tries left',
    wrongPin: 'Wrong PIN',
    staffLockedTitle: 'Staff sign-in locked',
    staffLockedText: 'Too many wrong PINs; locked until {time}.',
    enter: 'Enter',
    cancel: 'Cancel',
    staffMode: 'Staff mode',
    exit: 'Exit',
    tapNewCard: "Tap the customer's card",
    cardNew: 'New card (not registered)',
    cardMember: 'Member card',
    cardBlocked: 'Blocked card',
    cardStaff: 'Staff card',
    enrol: 'New member',
    find: 'Find by mobile',
    purchase: 'Record purchase',
    adjust: 'Adjust points',
    replace: 'Replace lost card',
    link: 'Link card to this member',
    name: 'Full name',
    mobile: 'Mobile number',
    birthday: 'Birthday (Jalali)',
    anniversary: 'Wedding anniversary (Jalali)',
    smsConsent: 'Agrees to SMS',
    save: 'Save',
    amount: 'Purchase amount ({unit})',
    pointsDelta: 'Points (+ or −)',
    reason: 'Reason',
    lostCard: 'Which card was lost?',
    toman: 'Toman',
    rial: 'Rial',
    member: 'Member',
    phone: 'Mobile',
    cards: 'Cards',
    noticeEnrolled: 'New member enrolled',
    noticeLinked: 'Card linked to the member',
    noticePurchase: 'Purchase recorded: {points} points (usable after the return window)',
    pendingShort: '+{n} points pending',
    noticeReplaced: 'Old card blocked, points moved',
    noticeAdjusted: 'Points adjusted; balance {balance}',
    noticeFound: 'Member found',
    noticeNotFound: 'No member with this number',
    space: 'space',
    yes: 'Yes',
    no: 'No',
    reasons: ['Till error', 'Manager gift', 'Manual correction'],
    errors: {
      INVALID_PHONE: 'The mobile number is not valid',
      PHONE_IN_USE: 'This number belongs to another member',
      CARD_IN_USE: 'This card is already registered',
      CARD_BLOCKED: 'This card is blocked',
      MEMBER_NOT_FOUND: 'Member not found',
      INSUFFICIENT_POINTS: 'Not enough points',
      VALIDATION_FAILED: 'Some details are missing or wrong',
      NOT_IN_SESSION: 'Not possible on this screen',
      ALREADY_DONE_TODAY: 'Already done today',
      WRONG_PIN: 'Wrong PIN',
      STAFF_LOCKED: 'Sign-in locked',
      TIMEOUT: 'No answer; please try again',
      OFFLINE: 'Not connected',
    },
  },
};

let language = /** @type {Language} */ ('fa');

/** @param {Language} next */
export function setLanguage(next) {
  language = next;
  document.documentElement.lang = next;
  document.documentElement.dir = next === 'fa' ? 'rtl' : 'ltr';
}

export function currentLanguage() {
  return language;
}

/**
 * A phrase in the current language with `{name}` placeholders filled in.
 * @param {string} key
 * @param {Record<string, string|number>} [values]
 */
export function t(key, values = {}) {
  const table = /** @type {Record<string, unknown>} */ (STRINGS[language]);
  const text = typeof table[key] === 'string' ? /** @type {string} */ (table[key]) : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

/** @param {string} key */
export function list(key) {
  const table = /** @type {Record<string, unknown>} */ (STRINGS[language]);
  return /** @type {string[]} */ (table[key] ?? []);
}

/** @param {string} code */
export function errorText(code) {
  const errors = /** @type {Record<string, string>} */ (STRINGS[language].errors);
  return errors[code] ?? t('errorTitle');
}

/** @param {number} value */
export function num(value) {
  return new Intl.NumberFormat(language === 'fa' ? 'fa-IR' : 'en-US').format(value);
}

/** Digits only, in the script of the language (for codes typed on the keypad). @param {string} text */
export function digits(text) {
  return language === 'fa' ? text.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d))) : text;
}

/** A Jalali date. @param {number} atMs */
export function date(atMs) {
  const locale = language === 'fa' ? 'fa-IR-u-ca-persian' : 'en-US-u-ca-persian';
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'Asia/Tehran' }).format(atMs);
}

/** @param {number} atMs */
export function time(atMs) {
  const locale = language === 'fa' ? 'fa-IR' : 'en-US';
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tehran' }).format(atMs);
}

/**
 * An amount stored in Rials, shown in the store's unit.
 * @param {number} amountRial
 * @param {'toman'|'rial'} currency
 */
export function money(amountRial, currency) {
  const value = currency === 'toman' ? Math.floor(amountRial / 10) : amountRial;
  return `${num(value)} ${t(currency)}`;
}

/** @param {{fa: string, en: string}} text */
export function localised(text) {
  return text[language] || text.fa;
}
