import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Blackboard, BlackboardError } from './blackboard.ts';
import { VirtualClock } from './clock.ts';

function board(logCapacity = 4) {
  const clock = new VirtualClock(1_000_000);
  const bb = new Blackboard({ clock, logCapacity });
  return { clock, bb };
}

describe('Blackboard', () => {
  it('returns a fresh value and treats it as unknown once older than maxAgeMs', () => {
    const { clock, bb } = board();
    bb.set('affect/h1', { frustration: 0.8 }, { source: 'mqtt:local', maxAgeMs: 500 });
    expect(bb.get('affect/h1')).toEqual({ frustration: 0.8 });
    clock.advance(500);
    expect(bb.isFresh('affect/h1')).toBe(true);
    clock.advance(1);
    expect(bb.get('affect/h1')).toBeUndefined();
    expect(bb.isFresh('affect/h1')).toBe(false);
    expect(bb.entry('affect/h1')?.value).toEqual({ frustration: 0.8 });
    expect(bb.ageMs('affect/h1')).toBe(501);
  });

  it('measures age from the observation timestamp, not the write time', () => {
    const { clock, bb } = board();
    bb.set('x', 1, { source: 't', timestamp: clock.now() - 400, maxAgeMs: 300 });
    expect(bb.get('x')).toBeUndefined();
  });

  it('rejects a value of the wrong declared type and keeps the previous one', () => {
    const { bb } = board();
    bb.declare('speedScale', { type: 'number', maxAgeMs: Infinity });
    bb.set('speedScale', 0.5, { source: 'node:SlowHandover' });
    expect(() => bb.set('speedScale', '0.3', { source: 'node:SlowHandover' })).toThrow(
      `write of 'speedScale' by node:SlowHandover: expected number (finite), got string "0.3"`,
    );
    expect(() => bb.set('speedScale', NaN, { source: 'x' })).toThrow(/expected number \(finite\), got number/);
    expect(bb.get('speedScale')).toBe(0.5);
  });

  it('runs a declared validator', () => {
    const { bb } = board();
    bb.declare('unit', { type: 'number', validate: (v) => ((v as number) > 1 ? 'must be ≤ 1' : undefined) });
    expect(() => bb.set('unit', 2, { source: 's' })).toThrow(`write of 'unit' by s: must be ≤ 1 (value 2)`);
  });

  it('refuses to re-declare a key with another type', () => {
    const { bb } = board();
    bb.declare('k', { type: 'number' });
    expect(() => bb.declare('k', { type: 'string' })).toThrow(`key 'k' is already declared as number, cannot re-declare as string`);
  });

  it('keeps a bounded activity log, oldest first', () => {
    const { clock, bb } = board(3);
    for (let i = 0; i < 5; i++) {
      clock.advance(10);
      bb.set(`k${i}`, i, { source: 'src' });
    }
    const log = bb.log();
    expect(log.map((r) => r.key)).toEqual(['k2', 'k3', 'k4']);
    expect(bb.writeCount).toBe(5);
  });

  it('limits a node to the keys it declared, naming node and key', () => {
    const { bb } = board();
    const io = bb.access('DetectFrustration#2', { reads: ['affect'], writes: ['frustrated'] });
    io.set('frustrated', true);
    expect(bb.entry('frustrated')?.source).toBe('node:DetectFrustration#2');
    expect(() => io.get('speedScale')).toThrow(
      `DetectFrustration#2 reads blackboard key 'speedScale' but did not declare it (declared: affect, frustrated)`,
    );
    expect(() => io.set('affect', 1)).toThrow(
      `DetectFrustration#2 writes blackboard key 'affect' but did not declare it as an output (declared outputs: frustrated)`,
    );
    expect(() => io.set('affect', 1)).toThrow(BlackboardError);
  });

  it('property: a read is defined exactly when age ≤ maxAgeMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (maxAgeMs, wait) => {
        const { clock, bb } = board();
        bb.set('k', 'v', { source: 's', maxAgeMs });
        clock.advance(wait);
        expect(bb.get('k') !== undefined).toBe(wait <= maxAgeMs);
      }),
    );
  });

  it('bounds a key family: stale or forgotten keys go first, then the least recently written; pinned keys stay', () => {
    const { clock, bb } = board();
    bb.set('affect/h1', 1, { source: 't', maxAgeMs: 10_000 });
    bb.boundFamily('affect/', { maxKeys: 2, forgetAfterMs: 5000, pinned: ['affect/h1'] });
    bb.set('affect/a', 1, { source: 't', maxAgeMs: 10_000 });
    clock.advance(10);
    bb.set('affect/b', 1, { source: 't', maxAgeMs: 10_000 });
    clock.advance(10);
    bb.set('affect/c', 1, { source: 't', maxAgeMs: 10_000 }); // full: evicts the least recently written unpinned key (a)
    expect(bb.keys().sort()).toEqual(['affect/b', 'affect/c', 'affect/h1']);
    clock.advance(6000); // b and c are forgotten; a new write of c keeps it
    bb.set('affect/c', 2, { source: 't', maxAgeMs: 10_000 });
    bb.set('affect/d', 1, { source: 't', maxAgeMs: 10_000 });
    expect(bb.keys().sort()).toEqual(['affect/c', 'affect/d', 'affect/h1']);
    expect(bb.familySize('affect/')).toBe(3);
    expect(bb.familyEvictions('affect/')).toBe(2);
    bb.set('other', 1, { source: 't' }); // outside the family: unbounded
    expect(bb.get('affect/h1')).toBe(1);
  });

  it('keeps a bounded family within its bound for any sequence of writes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 3000 })), { maxLength: 400 }), fc.integer({ min: 1, max: 16 }), (writes, max) => {
        const { clock, bb } = board();
        bb.boundFamily('p/', { maxKeys: max, forgetAfterMs: 1000, pinned: ['p/0'] });
        for (const [id, dt] of writes) {
          clock.advance(dt);
          bb.set(`p/${id}`, id, { source: 't', maxAgeMs: 2000 });
          expect(bb.familySize('p/')).toBeLessThanOrEqual(max + 1); // + the pinned key
          expect(bb.get(`p/${id}`)).toBe(id); // the new write is always kept
        }
        expect(bb.keys().filter((k) => k.startsWith('p/')).length).toBe(bb.familySize('p/'));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses overlapping or invalid family bounds with the reason', () => {
    const { bb } = board();
    bb.boundFamily('affect/', { maxKeys: 2 });
    expect(() => bb.boundFamily('affect/x', { maxKeys: 2 })).toThrow("Blackboard.boundFamily: prefix 'affect/x' is empty or overlaps a bounded family");
    expect(() => bb.boundFamily('y/', { maxKeys: 0 })).toThrow("Blackboard.boundFamily('y/'): maxKeys must be an integer ≥ 1, got 0");
  });
});
