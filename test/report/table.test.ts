import { describe, expect, it } from 'vitest';
import { fmt, formatBytes, formatDuration, formatTable } from '../../src/report/table.js';

describe('formatTable', () => {
  it('left-aligns text, right-aligns numbers and numeric-looking text', () => {
    const t = formatTable(
      ['name', 'hops', 'latency'],
      [
        ['alpha', 3, '12 ms'],
        ['b', 1234, '1.5 s'],
      ],
    );
    expect(t).toBe(['name    hops  latency', '-----  -----  -------', 'alpha      3    12 ms', 'b      1,234    1.5 s'].join('\n'));
  });

  it('lines up the right edge of every numeric column', () => {
    const rows = [
      ['x', 1, 0.5, 'n/a'],
      ['longer name', 123456, 12.25, '3.2 KiB'],
      ['y', -7, NaN, '-'],
    ];
    const lines = formatTable(['what', 'count', 'ratio', 'size'], rows).split('\n');
    expect(lines).toHaveLength(5);
    for (const col of ['count', 'ratio', 'size']) {
      const end = lines[0].indexOf(col) + col.length;
      for (const l of lines.slice(2)) expect(l[end - 1], `${col} in "${l}"`).not.toBe(' ');
      for (const l of lines.slice(2)) expect(l[end] ?? ' ').toBe(' ');
    }
    expect(lines[4]).toContain('n/a'); // NaN cell
    for (const l of lines) expect(l).toBe(l.trimEnd());
  });

  it('honours explicit alignment, pads short rows and formats digits', () => {
    const t = formatTable(['a', 'b'], [[1.23456], [10, 'z']], { align: ['left'], digits: 3, gap: 1 });
    expect(t).toBe(['a     b', '----- -', '1.235', '10    z'].join('\n'));
  });

  it('prints just the header for no rows', () => {
    expect(formatTable(['a', 'bb'], [])).toBe('a  bb\n-  --');
  });
});

describe('fmt', () => {
  it('groups integers and fixes float digits', () => {
    expect(fmt(0)).toBe('0');
    expect(fmt(999)).toBe('999');
    expect(fmt(1234567)).toBe('1,234,567');
    expect(fmt(-1234)).toBe('-1,234');
    expect(fmt(3.14159)).toBe('3.14');
    expect(fmt(3.14159, 3)).toBe('3.142');
    expect(fmt(12345.678)).toBe('12,345.68');
    expect(fmt(-0.5, 1)).toBe('-0.5');
  });

  it('keeps tiny values visible and names non-finite ones', () => {
    expect(fmt(0.00012)).toBe('0.00012');
    expect(fmt(NaN)).toBe('n/a');
    expect(fmt(Infinity)).toBe('inf');
    expect(fmt(-Infinity)).toBe('-inf');
  });
});

describe('formatBytes', () => {
  it('uses binary units with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1234567)).toBe('1.2 MiB');
    expect(formatBytes(1048575)).toBe('1.0 MiB'); // not "1024.0 KiB"
    expect(formatBytes(5 * 2 ** 30)).toBe('5.0 GiB');
    expect(formatBytes(-2048)).toBe('-2.0 KiB');
    expect(formatBytes(NaN)).toBe('n/a');
  });
});

describe('formatDuration', () => {
  it('picks a unit by magnitude', () => {
    expect(formatDuration(0)).toBe('0 µs');
    expect(formatDuration(0.25)).toBe('250 µs');
    expect(formatDuration(3.254)).toBe('3.25 ms');
    expect(formatDuration(42)).toBe('42.0 ms');
    expect(formatDuration(512)).toBe('512 ms');
    expect(formatDuration(1500)).toBe('1.50 s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(119_600)).toBe('2m 00s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-5)).toBe('-5.00 ms');
    expect(formatDuration(NaN)).toBe('n/a');
  });
});
