// Unit and property tests of the newest-frame-wins slot.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { LatestFrameSlot } from './latest-frame.ts';

describe('LatestFrameSlot', () => {
  it('gives the consumer the newest frame and counts the ones it skipped', () => {
    const slot = new LatestFrameSlot<number>(4);
    for (let i = 1; i <= 3; i++) {
      slot.fillBuffer().fill(i);
      slot.commit(i);
    }
    const f = slot.take()!;
    expect(f.meta).toBe(3);
    expect(Array.from(f.data)).toEqual([3, 3, 3, 3]);
    expect(slot.dropped).toBe(2);
    expect(slot.take()).toBeNull();
  });

  it('never writes into the buffer the consumer holds, whatever the interleaving', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('produce', 'take'), { maxLength: 200 }), (ops) => {
        const slot = new LatestFrameSlot<number>(2);
        let held: { data: Uint8Array; meta: number } | null = null;
        let seq = 0;
        let taken = 0;
        for (const op of ops) {
          if (op === 'produce') {
            const buf = slot.fillBuffer();
            if (held && buf === held.data) return false;
            buf.fill(++seq % 256);
            slot.commit(seq);
          } else {
            const f = slot.take();
            if (f) {
              taken++;
              held = f;
              if (f.data[0] !== f.meta % 256) return false; // content matches its metadata
            }
          }
          if (held && held.data[0] !== held.meta % 256) return false; // held frame never overwritten
        }
        // every committed frame is either taken, dropped or still waiting
        return seq === taken + slot.dropped + (slot.hasFrame ? 1 : 0);
      }),
    );
  });
});
