import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileExecutedStore, MemoryExecutedStore } from './executed-store.ts';

describe('executed-actionId stores', () => {
  it('memory: remembers ids within the retention and the size bound, oldest dropped first', () => {
    let now = 1000;
    const s = new MemoryExecutedStore({ retentionMs: 100, maxEntries: 3, now: () => now });
    for (const id of ['a', 'b', 'c', 'd']) s.add(id, now);
    expect(['a', 'b', 'c', 'd'].map((id) => s.has(id))).toEqual([false, true, true, true]);
    now += 101;
    expect(s.has('d')).toBe(false); // past retention
  });

  it('file: survives a restart, skips a torn last line, drops expired ids when it compacts', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'affect-bt-exec-')), 'executed.jsonl');
    let now = 1_000_000;
    const first = new FileExecutedStore(path, { retentionMs: 60_000, now: () => now });
    first.add('old', now - 120_000);
    first.add('a1', now);
    first.close();
    appendFileSync(path, '{"id":"torn"'); // power loss mid-write
    now += 1000;
    const second = new FileExecutedStore(path, { retentionMs: 60_000, now: () => now });
    expect(second.has('a1')).toBe(true);
    expect(second.has('old')).toBe(false);
    expect(second.has('torn')).toBe(false);
    expect(second.skippedLines).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('{"id":"a1","at":1000000}\n'); // compacted at start
    second.add('a2', now);
    second.close();
    expect(new FileExecutedStore(path, { now: () => now }).has('a2')).toBe(true);
  });

  it('file: an unwritable location fails with the path and a hint', () => {
    expect(() => new FileExecutedStore('/nonexistent-dir/x/executed.jsonl')).toThrow("cannot write the executed-actionId file '/nonexistent-dir/x/executed.jsonl': ENOENT (check the directory exists and is writable)");
  });
});
