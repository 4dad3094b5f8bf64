// The server's validation messages (English, `path: message`) in the reader's language. The
// schema's and the cross-field checks' usual phrasings are translated; anything else is shown
// as the server wrote it, so no problem is ever hidden.

import { formatNumber, lang, t } from '../../i18n.js';

/** @type {Array<[RegExp, (match: RegExpMatchArray) => string]>} */
const COMMON = [
  [/^is required$/, () => t('rules.msg.required')],
  [/^must be >= (-?\d+)$/, (m) => t('rules.msg.min', { n: Number(m[1]) })],
  [/^must be <= (-?\d+)$/, (m) => t('rules.msg.max', { n: Number(m[1]) })],
  [/^must be integer$/, () => t('rules.msg.integer')],
  [/^must match pattern "\\S"$/, () => t('rules.msg.required')],
  [/^must match pattern/, () => t('rules.msg.pattern')],
  [/^must NOT have more than (\d+) characters$/, (m) => t('rules.msg.maxLength', { n: Number(m[1]) })],
  [/^must NOT have fewer than (\d+) items$/, (m) => t('rules.msg.minItems', { n: Number(m[1]) })],
  [/^must NOT have more than (\d+) items$/, (m) => t('rules.msg.maxItems', { n: Number(m[1]) })],
  [/^duplicate id /, () => t('rules.msg.duplicate')],
];

/** Persian phrasings of the cross-field checks (sync/hq/rules/cross-checks.ts). */
/** @type {Array<[RegExp, (match: RegExpMatchArray) => string]>} */
const PERSIAN = [
  [/^must be after the starting hour$/, () => 'باید بعد از ساعت شروع باشد'],
  [/^month (\d+) has no day (\d+)$/, (m) => `ماه ${formatNumber(Number(m[1]))} روز ${formatNumber(Number(m[2]))} ندارد`],
  [/^must be more than the tier before \((\d+)\)$/, (m) => `باید بیشتر از سطح قبلی (${formatNumber(Number(m[1]))}) باشد`],
  [/^the first tier must start at 0 points$/, () => 'اولین سطح باید از صفر امتیاز شروع شود'],
  [/^is required for a (.+) reward$/, () => 'برای این نوع جایزه لازم است'],
  [/^does not belong to a (.+) reward$/, () => 'به این نوع جایزه تعلق ندارد'],
  [/^unknown tier (.+)$/, (m) => `سطح ناشناخته ${m[1]}`],
  [/^more than the daily budget \((\d+)\): it could never be given$/, (m) => `بیشتر از بودجه روزانه (${formatNumber(Number(m[1]))})؛ هرگز داده نمی‌شود`],
  [/^weekday listed twice$/, () => 'این روز دو بار آمده است'],
  [/^category (.+) is listed twice$/, () => 'این گروه دو بار آمده است'],
  [/^lower than the tier before: members earn less after moving up$/, () => 'کمتر از سطح قبلی: عضو با ارتقا امتیاز کمتری می‌گیرد'],
  [/^below 100%: members earn less while it runs$/, () => 'کمتر از ۱۰۰٪: در این جشنواره امتیاز کمتری داده می‌شود'],
  [/^no weekday chosen: the campaign runs every day$/, () => 'روزی انتخاب نشده: جشنواره هر روز اجرا می‌شود'],
  [/^Esfand 30 exists only in leap years$/, () => '۳۰ اسفند فقط در سال کبیسه است'],
  [/^points would expire before the (\d+)-day return window lets them be spent$/, (m) => `امتیاز پیش از پایان مهلت مرجوعی ${formatNumber(Number(m[1]))} روزه منقضی می‌شود`],
  [/^must be at least the return window \((\d+) days\)/, (m) => `باید دست‌کم برابر مهلت مرجوعی (${formatNumber(Number(m[1]))} روز) باشد`],
  [/^every prize is empty: nobody can win points$/, () => 'همه جوایز پوچ است؛ کسی امتیاز نمی‌برد'],
  [/^unknown time zone (.+)$/, () => 'منطقه زمانی ناشناخته'],
];

/** @param {string} message */
export function localMessage(message) {
  for (const [pattern, render] of lang() === 'fa' ? [...COMMON, ...PERSIAN] : COMMON) {
    const match = message.match(pattern);
    if (match) return render(match);
  }
  return message;
}
