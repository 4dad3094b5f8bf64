import type { Readable } from 'node:stream';

/**
 * Reads answers and secrets line by line from stdin, for prompts and `--pin-stdin`. Lines are
 * capped in length (a PIN or a device id is short); a secret typed on a terminal is not echoed.
 */
export const MAX_LINE_CHARS = 256;

export class InputError extends Error {
  override name = 'InputError';
}

interface TtyInput extends Readable {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
}

export class LineInput {
  private buffered = '';
  private ended = false;
  private waiting: (() => void) | undefined;
  private readonly onData = (chunk: Buffer | string) => {
    this.buffered += chunk.toString();
    this.wake();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.wake();
  };

  constructor(private readonly input: TtyInput) {
    input.on('data', this.onData);
    input.once('end', this.onEnd);
    input.once('error', this.onEnd);
  }

  get isTerminal(): boolean {
    return this.input.isTTY === true;
  }

  /** The next line without its newline; undefined when the input ended first. */
  async line(): Promise<string | undefined> {
    for (;;) {
      const newline = this.buffered.search(/\r?\n|\r/);
      if (newline >= 0) {
        const text = this.buffered.slice(0, newline);
        this.buffered = this.buffered.slice(newline).replace(/^(\r\n|\n|\r)/, '');
        return this.checked(text);
      }
      if (this.buffered.length > MAX_LINE_CHARS) throw new InputError(`the input line is longer than ${MAX_LINE_CHARS} characters`);
      if (this.ended) {
        const rest = this.buffered;
        this.buffered = '';
        return rest.length > 0 ? this.checked(rest) : undefined;
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** Like `line()`, but on a terminal the typed characters are not shown. */
  async secret(): Promise<string | undefined> {
    if (!this.isTerminal || !this.input.setRawMode) return this.line();
    this.input.setRawMode(true);
    try {
      let typed = '';
      for (;;) {
        await this.nextChunk();
        const chars = [...this.buffered];
        this.buffered = '';
        for (const [index, char] of chars.entries()) {
          if (char === '\u0003' || char === '\u0004') throw new InputError('cancelled');
          if (char === '\r' || char === '\n') {
            // Whatever was typed ahead belongs to the next question.
            this.buffered = chars.slice(index + 1).join('').replace(/^\n/, '');
            return this.checked(typed);
          }
          if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
          else typed += char;
          if (typed.length > MAX_LINE_CHARS) throw new InputError(`the input line is longer than ${MAX_LINE_CHARS} characters`);
        }
        if (this.ended) return typed.length > 0 ? this.checked(typed) : undefined;
      }
    } finally {
      this.input.setRawMode(false);
    }
  }

  /** Stops listening so the process can exit. */
  close(): void {
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onEnd);
    this.input.pause();
  }

  private async nextChunk(): Promise<void> {
    if (this.buffered.length > 0 || this.ended) return;
    await new Promise<void>((resolve) => (this.waiting = resolve));
  }

  private checked(text: string): string {
    if (text.length > MAX_LINE_CHARS) throw new InputError(`the input line is longer than ${MAX_LINE_CHARS} characters`);
    return text;
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}
