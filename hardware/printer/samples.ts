import type { Receipt } from './types.js';

/**
 * Example receipts: used by the render script (docs/receipts), the benchmark, the tests and
 * the demo's "print a test receipt". Fixed times so the images do not change between runs.
 */
const AT_MS = Date.UTC(2026, 2, 25, 9, 42); // 5 Farvardin 1405, 13:12 in Tehran
const EXPIRES_MS = Date.UTC(2026, 5, 21, 20, 30);

export function sampleVoucherReceipt(language: 'fa' | 'en', jobId = `sample-voucher-${language}`): Receipt {
  const voucher = {
    code: 'K7QX-M2PD-4',
    qrPayload: 'BSG1.V.K7QXM2PD4.demo-store.1782073800.6f1c2a9e',
    expiresAtMs: EXPIRES_MS,
  };
  if (language === 'fa') {
    return {
      jobId, kind: 'voucher', language, storeName: 'فروشگاه نمونه', title: 'بن تخفیف باشگاه مشتریان', atMs: AT_MS,
      lines: [
        { label: 'مبلغ بن', value: '500,000 ریال' },
        { label: 'امتیاز مصرف‌شده', value: '250' },
        { label: 'مانده امتیاز', value: '1,340' },
        { label: 'سطح عضویت', value: 'نقره‌ای' },
      ],
      voucher,
      footer: 'از خرید شما سپاسگزاریم. این بن فقط یک بار قابل استفاده است.',
    };
  }
  return {
    jobId, kind: 'voucher', language, storeName: 'Sample Store', title: 'Customer club voucher', atMs: AT_MS,
    lines: [
      { label: 'Voucher value', value: '500,000 Rial' },
      { label: 'Points used', value: '250' },
      { label: 'Points left', value: '1,340' },
      { label: 'Tier', value: 'Silver' },
    ],
    voucher,
    footer: 'Thank you for shopping with us. This voucher can be used once.',
  };
}

export function sampleBalanceReceipt(language: 'fa' | 'en', jobId = `sample-balance-${language}`): Receipt {
  if (language === 'fa') {
    return {
      jobId, kind: 'balance', language, storeName: 'فروشگاه نمونه', title: 'گزارش امتیاز', atMs: AT_MS,
      lines: [
        { label: 'امتیاز این خرید', value: '120' },
        { label: 'مانده امتیاز', value: '1,590' },
        { label: 'سطح عضویت', value: 'نقره‌ای' },
        { label: 'تا سطح طلایی', value: '410 امتیاز' },
        { label: 'امتیازهای در حال انقضا (پایان اسفند)', value: '75' },
      ],
      footer: 'با هر ۱۰٬۰۰۰ تومان خرید یک امتیاز بگیرید.',
    };
  }
  return {
    jobId, kind: 'balance', language, storeName: 'Sample Store', title: 'Points balance', atMs: AT_MS,
    lines: [
      { label: 'Points for this purchase', value: '120' },
      { label: 'Balance', value: '1,590' },
      { label: 'Tier', value: 'Silver' },
      { label: 'To Gold tier', value: '410 points' },
      { label: 'Points expiring (end of Esfand)', value: '75' },
    ],
    footer: 'Earn one point for every 10,000 Toman you spend.',
  };
}
