// End-to-end tests of `affect-bt estimate` and `affect-bt eval-faces` through the real
// CLI (from the sources), the shipped ONNX models and the real face photographs.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliArgv } from './support/processes.ts';

const SCENES = '../shared/data/faces/scenes/';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, cliArgv(args), { timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'affect-bt-est-'));
  writeFileSync(join(tmp, 'corrupt.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('affect-bt estimate', () => {
  it('labels the face in happy.jpg happy, reports no face for white.png, names the corrupt file, exits 0', async () => {
    const r = await cli(['estimate', SCENES + 'happy.jpg', SCENES + 'white.png', join(tmp, 'corrupt.jpg'), '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].file).toContain('happy.jpg');
    expect(lines[0].faces.length).toBe(1);
    expect(lines[0].label).toBe('happy');
    expect(lines[0].probabilities.happy).toBeGreaterThan(0.8);
    expect(lines[0].valence).toBeGreaterThan(0.5);
    expect(lines[0].confidence).toBeGreaterThan(0.5);
    expect(lines[1].label).toBe('no face');
    expect(lines[1].error).toBeUndefined();
    expect(lines[2].error).toMatch(/corrupt\.jpg: cannot decode image/);
  });

  it('prints readable text and exits 1 only when every input failed', async () => {
    const ok = await cli(['estimate', SCENES + 'white.png']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/white\.png: no face/);
    const bad = await cli(['estimate', join(tmp, 'corrupt.jpg'), join(tmp, 'missing.png')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/corrupt\.jpg: cannot decode image/);
    expect(bad.stderr).toMatch(/missing\.png: cannot decode image: cannot read file \(ENOENT\)/);
  });

  it('fuses a frame sequence with task context: frown after failures and a wait is frustration, while working it is focus', async () => {
    const frames = new Array(25).fill(SCENES + 'angry.jpg');
    const frustrated = await cli(['estimate', ...frames, '--sequence', '--fps', '10', '--json', '--context', '{"consecutiveFailures":2,"waitingMs":6000}']);
    expect(frustrated.code).toBe(0);
    const last = JSON.parse(frustrated.stdout.trim().split('\n').at(-1)!);
    expect(last.label).toBe('frustrated');
    expect(last.frustration).toBeGreaterThan(0.5);
    const focused = await cli(['estimate', ...frames, '--sequence', '--fps', '10', '--json', '--context', '{"workingOnTask":true}']);
    const last2 = JSON.parse(focused.stdout.trim().split('\n').at(-1)!);
    expect(last2.label).toBe('focused');
    expect(last2.frustration).toBeLessThan(0.2);
    const bad = await cli(['estimate', SCENES + 'angry.jpg', '--context', '{"bogus":1}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--context: unknown key 'bogus'/);
  });

  it('rejects bad options with exit 2 and a reason', async () => {
    const r = await cli(['estimate', SCENES + 'happy.jpg', '--detector-size', '250']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--detector-size must be a multiple of 32.*'250'/);
    const m = await cli(['estimate', SCENES + 'happy.jpg', '--mqtt', 'mqtt://127.0.0.1:1']);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/--mqtt needs --robot/);
  });
});

describe('affect-bt eval-faces', () => {
  it('prints metrics and the final JSON line on a small labelled set', async () => {
    const dir = join(tmp, 'set');
    mkdirSync(join(dir, 'images'), { recursive: true });
    const rows = ['file,label,source'];
    for (const label of ['happy', 'angry', 'surprised', 'sad']) {
      copyFileSync(`${SCENES}${label}.jpg`, join(dir, 'images', `${label}_0001.jpg`));
      rows.push(`images/${label}_0001.jpg,${label},face-api.js scenes`);
    }
    writeFileSync(join(dir, 'labels.csv'), rows.join('\n') + '\n');
    const r = await cli(['eval-faces', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/balanced accuracy/);
    expect(r.stdout).toMatch(/confusion \(rows true, columns predicted\)/);
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ eval: 'faces', n: 4 });
    expect(last.accuracy).toBe(1);
    expect(last.balanced_accuracy).toBe(1);
    expect(typeof last.ece).toBe('number');
  });

  it('reports an unknown label with file:line', async () => {
    const dir = join(tmp, 'badset');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'labels.csv'), 'file,label,source\nimages/a.jpg,happy,x\nimages/b.jpg,joyful,x\n');
    const r = await cli(['eval-faces', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/labels\.csv:3: unknown label 'joyful'/);
  });
});
