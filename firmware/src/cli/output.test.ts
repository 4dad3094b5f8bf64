import { describe, expect, it } from 'vitest';
import { UsageError, type CommandIO } from './command.js';
import { emit, fail, keyValues, parseCommandArgs, progressReporter, table } from './output.js';

function capture(): CommandIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    env: {},
    out: (text: string) => {
      io.stdout += text;
    },
    err: (text: string) => {
      io.stderr += text;
    },
  };
  return io;
}

describe('cli output', () => {
  it('aligns tables by visible width, Persian included', () => {
    const text = table(
      [
        { name: 'کارت‌خوان', state: 'ok', count: 3 },
        { name: 'printer', state: null, count: 12 },
      ],
      [
        { header: 'device', value: (row) => row.name },
        { header: 'state', value: (row) => row.state },
        { header: 'n', value: (row) => row.count, align: 'right' },
      ],
    );
    expect(text).toBe('device    state   n\nکارت‌خوان  ok      3\nprinter   -      12\n');
    expect(keyValues([['a', true], ['long key', 1]])).toBe('a         yes\nlong key  1\n');
  });

  it('prints JSON or text, and failures as one JSON document plus stderr', () => {
    const io = capture();
    emit(io, { json: true }, { ok: true, n: 1 }, () => 'human\n');
    expect(JSON.parse(io.stdout)).toEqual({ ok: true, n: 1 });
    const text = capture();
    emit(text, { json: false }, { ok: true }, () => 'human\n');
    expect(text.stdout).toBe('human\n');
    const failed = capture();
    expect(fail(failed, { json: true }, 'x', 'broken', 7, ['/a: bad'])).toBe(7);
    expect(JSON.parse(failed.stdout)).toEqual({ ok: false, error: 'broken', problems: ['/a: bad'] });
    expect(failed.stderr).toBe('bashgah x: broken\n  /a: bad\n');
  });

  it('parses options strictly into usage errors', () => {
    expect(parseCommandArgs(['--json', 'a'])).toMatchObject({ json: true, positionals: ['a'] });
    expect(() => parseCommandArgs(['--nope'])).toThrow(UsageError);
  });

  it('reports progress every 10 % on stderr', () => {
    const io = capture();
    const report = progressReporter(io, 'backup', 100);
    for (let done = 0; done <= 100; done += 1) report(done);
    expect(io.stderr.trim().split('\n')).toHaveLength(11);
    expect(io.stdout).toBe('');
  });
});
