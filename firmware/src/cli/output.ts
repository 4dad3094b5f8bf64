import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type CommandIO } from './command.js';

/**
 * Shared output for `bashgah` commands: a person reads aligned text, a program reads one
 * JSON document (`--json`). Results and errors take the same path so every command behaves
 * alike: with `--json`, stdout holds exactly one JSON value, also on failure.
 */
export type Cell = string | number | boolean | null | undefined;

export interface Column<Row> {
  header: string;
  value: (row: Row) => Cell;
  align?: 'left' | 'right';
}

/** Visible width: code points, so Persian text lines up like Latin text in a terminal. */
function width(text: string): number {
  return [...text.replace(/[\u064B-\u065F\u0670\u200C\u200D]/g, '')].length;
}

function pad(text: string, size: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return align === 'right' ? fill + text : text + fill;
}

export function formatCell(cell: Cell): string {
  if (cell === null || cell === undefined) return '-';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return String(cell);
}

/** An aligned text table with a header line. */
export function table<Row>(rows: Row[], columns: Array<Column<Row>>): string {
  const cells = rows.map((row) => columns.map((column) => formatCell(column.value(row))));
  const widths = columns.map((column, index) => Math.max(width(column.header), ...cells.map((line) => width(line[index] ?? ''))));
  const render = (line: string[]) =>
    line
      .map((text, index) => pad(text, widths[index] ?? 0, columns[index]?.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [render(columns.map((column) => column.header)), ...cells.map(render)].join('\n') + '\n';
}

/** `key  value` lines, keys aligned. */
export function keyValues(entries: Array<[string, Cell]>): string {
  const size = Math.max(0, ...entries.map(([key]) => width(key)));
  return entries.map(([key, value]) => `${pad(key, size, 'left')}  ${formatCell(value)}`).join('\n') + '\n';
}

export interface OutputMode {
  json: boolean;
}

/** Prints a command's result: JSON when asked, else the human rendering. */
export function emit(io: CommandIO, mode: OutputMode, value: unknown, human: () => string): void {
  if (mode.json) io.out(`${JSON.stringify(value, null, 2)}\n`);
  else io.out(human());
}

/**
 * Reports a failure and returns the exit code to give back. With `--json` stdout carries
 * `{ok: false, error, problems?}`; the message always also goes to stderr for a person.
 */
export function fail(io: CommandIO, mode: OutputMode, command: string, message: string, exitCode: number, problems?: string[]): number {
  if (mode.json) io.out(`${JSON.stringify({ ok: false, error: message, ...(problems ? { problems } : {}) }, null, 2)}\n`);
  const details = problems && problems.length > 0 ? `\n  ${problems.join('\n  ')}` : '';
  io.err(`bashgah ${command}: ${message}${details}\n`);
  return exitCode;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses options strictly (unknown options are usage errors); every command gets `--json`.
 * Positional counts are the command's business.
 */
export function parseCommandArgs(args: string[], options: Options = {}): ParsedArgs & OutputMode {
  try {
    const parsed = parseArgs({ args, options: { json: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    return { values, positionals: parsed.positionals, json: values.json === true };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Progress for long operations, on stderr so that `--json` stdout stays one document. */
export function progressReporter(io: CommandIO, label: string, total: number): (done: number) => void {
  let lastDecile = -1;
  return (done) => {
    const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
    // Each 10 % once: readable over a slow SSH session and in a captured log alike.
    const decile = Math.floor(percent / 10);
    if (decile > lastDecile) {
      lastDecile = decile;
      io.err(`${label}: ${percent}% (${done}/${total})\n`);
    }
  };
}
