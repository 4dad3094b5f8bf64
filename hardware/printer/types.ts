import type { DeviceStatus } from '../status.js';

export type ReceiptLanguage = 'fa' | 'en';

/** A line of a receipt's body: a label and its value, e.g. "امتیاز" / "۱۲۰". */
export interface ReceiptLine {
  label: string;
  value: string;
}

/**
 * What to print, as data; the printer driver lays it out (right-to-left for Persian), with the
 * date in the receipt's calendar (Jalali for Persian) and digits in its script.
 */
export interface Receipt {
  /** Idempotency key: printing the same job id twice prints once (unless reprinted). */
  jobId: string;
  kind: 'voucher' | 'balance' | 'purchase' | 'test';
  language: ReceiptLanguage;
  storeName: string;
  title: string;
  /** When the event on the receipt happened. */
  atMs: number;
  lines: ReceiptLine[];
  voucher?: {
    /** Human-readable code, e.g. `K7QX-M2PD-4`. */
    code: string;
    /** The signed payload for the QR code; ASCII only. */
    qrPayload: string;
    expiresAtMs: number;
  };
  footer?: string;
}

export type PrintJobState = 'printed' | 'queued';

export interface PrintOutcome {
  jobId: string;
  state: PrintJobState;
  /** Why it is queued (paper out, printer offline, ...). */
  reason?: string;
}

export interface ReceiptPrinter {
  /**
   * Prints now, or keeps the job on disk and prints it when the printer is back. Resolves
   * once the job is either printed or durably queued: a job is never lost.
   */
  print(receipt: Receipt): Promise<PrintOutcome>;
  /** Prints a queued or already printed job again. */
  reprint(jobId: string): Promise<PrintOutcome>;
  /** Jobs waiting for the printer. */
  queued(): Receipt[];
  status(): DeviceStatus;
  on(event: 'status', listener: (status: DeviceStatus) => void): this;
  close(): Promise<void>;
}

/** The printer's status with what the kiosk screen and a technician need to know besides. */
export interface PrinterStatus extends DeviceStatus {
  /** 'unknown' when the connection cannot report it (device files, statusQuery 'none'). */
  paper: 'ok' | 'near-end' | 'out' | 'unknown';
  /** Jobs kept on disk waiting for the printer. */
  queuedJobs: number;
}
