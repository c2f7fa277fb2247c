// Scale: `sim --workers N` gives byte-identical results to one worker; `sim --shard K/N`
// slices merged with `sim merge` give the same table and JSON as the unsharded run;
// merge errors name the file and what is wrong.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/cli/commands/sim.ts';
import { captureRun } from './support/capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'affect-bt-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const capture = (argv: string[]) => captureRun(run, argv);

// the affect tree with its four controls, 12 episodes: enough to cross a chunk boundary
// (10 episodes per chunk) and to exercise every record field
const ARGS = ['--controls', '--episodes', '12', '--seed', '4', '--quiet'];

describe('sim --workers', () => {
  it('gives byte-identical --json and the same table with 1 and 2 worker threads', async () => {
    const one = await capture([...ARGS, '--scenario', 'high_drop_robot', '--json', join(dir, 'w1.json')]);
    const two = await capture([...ARGS, '--scenario', 'high_drop_robot', '--workers', '2', '--json', join(dir, 'w2.json')]);
    expect(one.err).toBe('');
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.out).toBe(one.out);
    expect(readFileSync(join(dir, 'w2.json'), 'utf8')).toBe(readFileSync(join(dir, 'w1.json'), 'utf8'));
    expect(one.out).toMatch(/sensing adds value — handover_affect vs blind/);
  }, 120_000);
});

describe('sim --shard K/N and sim merge', () => {
  it('merged slices print the same table and write the same JSON as the unsharded run', async () => {
    const args = [...ARGS, '--scenario', 'side_task_face_only'];
    const whole = await capture([...args, '--json', join(dir, 'whole.json')]);
    const shards = [];
    for (const k of [1, 2, 3]) {
      const r = await capture([...args, '--shard', `${k}/3`, '--json', join(dir, `s${k}.json`)]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^shard ${k}/3: episodes \\d+\\.\\.\\d+ of 12`));
      shards.push(join(dir, `s${k}.json`));
    }
    const merged = await capture(['merge', shards[2]!, shards[0]!, shards[1]!, '--json', join(dir, 'merged.json')]);
    expect(merged.err).toBe('');
    expect(merged.code).toBe(0);
    expect(merged.out).toBe(whole.out);
    expect(readFileSync(join(dir, 'merged.json'), 'utf8')).toBe(readFileSync(join(dir, 'whole.json'), 'utf8'));

    const missing = await capture(['merge', shards[0]!, shards[2]!]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/affect-bt sim merge: missing shard 2\/3 of 3/);
    const twice = await capture(['merge', shards[0]!, shards[0]!, shards[1]!]);
    expect(twice.err).toMatch(/s1\.json: shard 1\/3 given twice/);
    const other = await capture([...args, '--seed', '5', '--shard', '2/3', '--json', join(dir, 'other.json')]);
    expect(other.code).toBe(0);
    const mixed = await capture(['merge', shards[0]!, join(dir, 'other.json'), shards[2]!]);
    expect(mixed.err).toMatch(/other\.json: belongs to another run than .*s1\.json \(seed, episodes, mode, margin, trees or scenarios differ\)/);
    writeFileSync(join(dir, 'junk.json'), '{"hello": 1}');
    expect((await capture(['merge', join(dir, 'junk.json')])).err).toMatch(/junk\.json: not an affect-bt shard file/);
    expect((await capture(['merge'])).err).toMatch(/give the shard files to merge/);
  }, 120_000);

  it('rejects bad shard and worker options as usage errors', async () => {
    expect((await capture(['--shard', '4/3'])).err).toMatch(/shard must be K\/N with 1 ≤ K ≤ N, got 4\/3/);
    expect((await capture(['--workers', '0'])).err).toMatch(/--workers must be ≥ 1, got 0/);
    expect((await capture(['--margin', '0.7'])).err).toMatch(/--margin must be ≤ 0.5, got 0.7/);
    expect((await capture(['--shard', '1/2', '--seeds', '1..3'])).err).toMatch(/--shard runs one seed/);
  });
});
