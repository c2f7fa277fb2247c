import { describe, it, expect } from 'vitest';
import { createProgress } from './progress.ts';

function stream(isTTY: boolean) {
  const out: string[] = [];
  return { out, s: { isTTY, write: (x: string) => (out.push(x), true) } as unknown as NodeJS.WriteStream };
}

describe('createProgress', () => {
  it('draws a bar on a TTY and clears it when finished', () => {
    const { out, s } = stream(true);
    const bar = createProgress(s, { width: 10 });
    bar.update(5, 10);
    bar.update(10, 10);
    bar.finish();
    expect(out[0]).toMatch(/^\r\[#####-----\]  50% 5\/10 episodes/);
    expect(out[1]).toMatch(/\[##########\] 100% 10\/10/);
    expect(out[out.length - 1]).toBe('\r\x1b[2K');
  });

  it('stays silent when not a TTY or when quiet', () => {
    for (const [tty, quiet] of [[false, false], [true, true]] as const) {
      const { out, s } = stream(tty);
      const bar = createProgress(s, { quiet });
      bar.update(1, 2);
      bar.finish();
      expect(out).toEqual([]);
    }
  });
});
