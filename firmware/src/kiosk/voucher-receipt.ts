import type { Receipt, ReceiptPrinter } from '../../../hardware/printer/types.js';
import type { Logger } from '../log/logger.js';
import type { IssuedVoucher } from './club-types.js';

const LABELS = {
  fa: { title: 'کوپن هدیه', reward: 'هدیه', cost: 'امتیاز کسرشده', balance: 'مانده امتیاز' },
  en: { title: 'Reward voucher', reward: 'Reward', cost: 'Points used', balance: 'Points left' },
};

/** The receipt for a redeemed reward, as data; the printer lays it out. No name or phone on it. */
export function voucherReceipt(issued: IssuedVoucher, language: 'fa' | 'en', storeName: string): Receipt {
  const labels = LABELS[language];
  const digits = new Intl.NumberFormat(language === 'fa' ? 'fa-IR' : 'en-US');
  return {
    jobId: `voucher-${issued.code}`,
    kind: 'voucher',
    language,
    storeName,
    title: labels.title,
    atMs: issued.atMs,
    lines: [
      { label: labels.reward, value: issued.reward.title[language] },
      { label: labels.cost, value: digits.format(issued.reward.costPoints) },
      { label: labels.balance, value: digits.format(issued.member.pointsBalance) },
    ],
    // The printer lays out "show this code at the till" under the QR code itself.
    voucher: { code: issued.code, qrPayload: issued.qrPayload, expiresAtMs: issued.expiresAtMs },
  };
}

/**
 * Prints the voucher, or reports it queued. The printer keeps a job it cannot print, so a
 * slow or failing printer never loses the voucher; the screen just says so.
 */
export async function printVoucher(printer: ReceiptPrinter, issued: IssuedVoucher, language: 'fa' | 'en', storeName: string, timeoutMs: number, logger: Logger): Promise<'printed' | 'queued'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'queued'>((resolve) => {
    timer = setTimeout(() => resolve('queued'), timeoutMs);
  });
  try {
    const printed = printer.print(voucherReceipt(issued, language, storeName)).then((outcome) => outcome.state);
    return await Promise.race([printed, timeout]);
  } catch (error) {
    logger.error({ err: error }, 'voucher could not be printed or queued');
    return 'queued';
  } finally {
    clearTimeout(timer);
  }
}
