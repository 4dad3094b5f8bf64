// Words, numbers and dates in the dashboard's language. Persian first (right to left, Persian
// digits, Jalali dates, Tehran time); English is a toggle kept in localStorage. Each page
// registers its own strings with keys prefixed by the page's id.

export { jalaliToIso, jalaliMonthLength } from './kiosk-ui/jalali.js';

/** @typedef {'fa'|'en'} Language */
/** @typedef {Record<string, string>} StringTable */

const STORAGE_KEY = 'bashgah.hq.lang';
const TIME_ZONE = 'Asia/Tehran';

/** @type {Record<Language, StringTable>} */
const STRINGS = {
  fa: {
    'app.title': 'باشگاه مشتریان',
    'app.subtitle': 'دفتر مرکزی',
    'app.language': 'English',
    'app.signOut': 'خروج',
    'app.loading': 'در حال بارگذاری…',
    'app.forbidden': 'نقش شما به این صفحه دسترسی ندارد.',
    'app.notFound': 'این صفحه وجود ندارد.',
    'app.retry': 'تلاش دوباره',
    'app.menu': 'فهرست',
    'role.manager': 'مدیر',
    'role.store-manager': 'مدیر فروشگاه',
    'role.support': 'پشتیبانی',
    'signin.title': 'ورود به دفتر مرکزی',
    'signin.username': 'نام کاربری',
    'signin.password': 'رمز عبور',
    'signin.submit': 'ورود',
    'signin.wrong': 'نام کاربری یا رمز عبور نادرست است.',
    'signin.locked': 'به دلیل چند رمز نادرست، ورود تا {minutes} دقیقه دیگر قفل است.',
    'signin.empty': 'نام کاربری و رمز عبور را وارد کنید.',
    'common.points': 'امتیاز',
    'common.rial': 'ریال',
    'common.cancel': 'انصراف',
    'common.more': 'بیشتر',
    'common.none': 'موردی نیست',
    'common.store': 'فروشگاه',
    'common.allStores': 'همه فروشگاه‌ها',
    'error.OFFLINE': 'ارتباط با دفتر مرکزی برقرار نشد. اتصال شبکه را بررسی کنید.',
    'error.UNAUTHORIZED': 'نشست شما تمام شده است؛ دوباره وارد شوید.',
    'error.FORBIDDEN': 'اجازه این کار را ندارید.',
    'error.NOT_FOUND': 'پیدا نشد.',
    'error.BAD_REQUEST': 'اطلاعات واردشده درست نیست: {detail}',
    'error.LOCKED_OUT': 'ورود موقتاً قفل است.',
    'error.INTERNAL': 'خطای داخلی دفتر مرکزی؛ لطفاً دوباره امتحان کنید.',
    'error.other': 'کار انجام نشد: {detail}',
  },
  en: {
    'app.title': 'Customer club',
    'app.subtitle': 'Head office',
    'app.language': 'فارسی',
    'app.signOut': 'Sign out',
    'app.loading': 'Loading…',
    'app.forbidden': 'Your role has no access to this page.',
    'app.notFound': 'There is no such page.',
    'app.retry': 'Try again',
    'app.menu': 'Menu',
    'role.manager': 'Manager',
    'role.store-manager': 'Store manager',
    'role.support': 'Support',
    'signin.title': 'Sign in to the head office',
    'signin.username': 'Username',
    'signin.password': 'Password',
    'signin.submit': 'Sign in',
    'signin.wrong': 'Wrong username or password.',
    'signin.locked': 'Too many wrong passwords: signing in is locked for {minutes} more minutes.',
    'signin.empty': 'Enter your username and password.',
    'common.points': 'points',
    'common.rial': 'Rials',
    'common.cancel': 'Cancel',
    'common.more': 'More',
    'common.none': 'Nothing here',
    'common.store': 'Store',
    'common.allStores': 'All stores',
    'error.OFFLINE': 'Could not reach the head office. Check the network connection.',
    'error.UNAUTHORIZED': 'Your session has ended; please sign in again.',
    'error.FORBIDDEN': 'You are not allowed to do this.',
    'error.NOT_FOUND': 'Not found.',
    'error.BAD_REQUEST': 'Something entered is not right: {detail}',
    'error.LOCKED_OUT': 'Signing in is locked for now.',
    'error.INTERNAL': 'The head office had an internal error; please try again.',
    'error.other': 'That did not work: {detail}',
  },
};

/** @returns {Language} */
function initialLanguage() {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'fa';
  } catch {
    return 'fa';
  }
}

let language = initialLanguage();

/** Adds a page's strings (keys prefixed by the page id). @param {{fa: StringTable, en: StringTable}} tables */
export function registerStrings(tables) {
  Object.assign(STRINGS.fa, tables.fa);
  Object.assign(STRINGS.en, tables.en);
}

/** @returns {Language} */
export function lang() {
  return language;
}

/** Switches language, direction and the stored choice. @param {Language} next */
export function setLang(next) {
  language = next;
  document.documentElement.lang = next;
  document.documentElement.dir = next === 'fa' ? 'rtl' : 'ltr';
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private windows may refuse storage; the choice then lasts for this page only.
  }
}

/**
 * The phrase for `key` with `{name}` placeholders filled; numbers are written in the
 * language's digits. A missing key shows itself, so it is noticed.
 * @param {string} key
 * @param {Record<string, string|number>} [params]
 */
export function t(key, params = {}) {
  const text = STRINGS[language][key] ?? STRINGS.fa[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** @param {number} n */
export function formatNumber(n) {
  return new Intl.NumberFormat(language === 'fa' ? 'fa-IR' : 'en-US').format(n);
}

/** ASCII digits in a text (a mobile number, an id) in the language's script. @param {string} text */
export function formatDigits(text) {
  return language === 'fa' ? text.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d))) : text;
}

/** Jalali in Persian, Gregorian in English; Tehran time. @param {number} ms */
export function formatDate(ms) {
  const locale = language === 'fa' ? 'fa-IR-u-ca-persian' : 'en-GB';
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: TIME_ZONE }).format(ms);
}

/** @param {number} ms */
export function formatDateTime(ms) {
  const locale = language === 'fa' ? 'fa-IR-u-ca-persian' : 'en-GB';
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: TIME_ZONE }).format(ms);
}

/** @param {number} n */
export function formatPoints(n) {
  return `${formatNumber(n)} ${t('common.points')}`;
}

/** @param {number} n */
export function formatRial(n) {
  return `${formatNumber(n)} ${t('common.rial')}`;
}

/**
 * What to tell a person about a failed request: the localised phrase for its code, with the
 * server's message (which names the field at fault) as the detail.
 * @param {unknown} error
 */
export function errorMessage(error) {
  const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : 'other';
  const detail = error instanceof Error ? error.message : String(error);
  const key = `error.${code}`;
  return key in STRINGS[language] ? t(key, { detail }) : t('error.other', { detail });
}
