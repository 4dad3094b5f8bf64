/**
 * CSV for accounting software: RFC 4180 (CRLF line ends, fields with comma, quote, CR or LF
 * quoted, quotes doubled), UTF-8 with a byte-order mark so Excel shows Persian text, amounts
 * as plain integer Rials (no thousands separators, no Persian digits). Cells that a
 * spreadsheet would run as a formula (=, +, -, @ at the start of text) are prefixed with an
 * apostrophe; numbers are written as numbers.
 */
export type CsvCell = string | number | null | undefined;

const BOM = '\uFEFF';

export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`CSV: not a finite number: ${value}`);
    return String(value);
  }
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) {
    if (row.length !== header.length) throw new Error(`CSV: row has ${row.length} cells, header has ${header.length}`);
    lines.push(row.map(csvField).join(','));
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

export interface TransactionRow {
  atMs: number;
  transactionId: string;
  storeId: string;
  memberId: string;
  kind: 'purchase' | 'redemption' | 'adjustment' | 'earn' | string;
  amountRial: number;
  points: number;
  receiptId?: string;
  note?: string;
}

export interface BalanceRow {
  memberId: string;
  memberName?: string;
  storeId: string;
  points: number;
  /** Value of the points at the club's redemption rate, integer Rials (a liability). */
  liabilityRial: number;
}

function assertInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new Error(`CSV: ${what} must be an integer, got ${value}`);
  return value;
}

/** ISO 8601 in UTC: unambiguous for any accounting import. */
function isoTime(atMs: number): string {
  return new Date(atMs).toISOString();
}

export function transactionsCsv(rows: Iterable<TransactionRow>): string {
  const header = ['time_utc', 'transaction_id', 'store_id', 'member_id', 'kind', 'amount_rial', 'points', 'receipt_id', 'note'];
  const out: CsvCell[][] = [];
  for (const row of rows) {
    out.push([isoTime(row.atMs), row.transactionId, row.storeId, row.memberId, row.kind, assertInteger(row.amountRial, 'amountRial'), assertInteger(row.points, 'points'), row.receiptId, row.note]);
  }
  return toCsv(header, out);
}

export function balancesCsv(rows: Iterable<BalanceRow>): string {
  const header = ['member_id', 'member_name', 'store_id', 'points', 'liability_rial'];
  const out: CsvCell[][] = [];
  for (const row of rows) out.push([row.memberId, row.memberName, row.storeId, assertInteger(row.points, 'points'), assertInteger(row.liabilityRial, 'liabilityRial')]);
  return toCsv(header, out);
}

/** Reads CSV back (RFC 4180); used by tests to check a round trip, and by imports. */
export function parseCsv(text: string): string[][] {
  const source = text.startsWith(BOM) ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && source[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
