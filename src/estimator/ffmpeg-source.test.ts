// The ffmpeg frame source: its command lines and log parsing (pure), and the source
// itself on real ffmpeg — newest frame wins, stream timestamps, restarts with backoff.
import { describe, it, expect, afterAll } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegLogParser, ffmpegArgs, openVideoSource, videoInputKind, type VideoSourceEvent } from './ffmpeg-source.ts';
import { VideoSourceError } from './frame-source.ts';
import { makeClip, removeClips } from '../../test/support/video.ts';

afterAll(() => removeClips());

describe('ffmpeg command line', () => {
  it('tells files, devices and URLs apart', () => {
    expect(videoInputKind('clip.mp4')).toBe('file');
    expect(videoInputKind('/dev/video0')).toBe('device');
    expect(videoInputKind('rtsp://10.0.0.5/stream1')).toBe('url');
    expect(videoInputKind('udp://@:1234')).toBe('url');
  });

  it('plays files in real time, loops or resumes them, and decimates with select (never duplicating frames)', () => {
    const a = ffmpegArgs({ source: 'clip.mp4', fps: 10 }, 0);
    expect(a.slice(a.indexOf('-re'), a.indexOf('-i') + 2)).toEqual(['-re', '-threads', '1', '-i', 'clip.mp4']);
    const vf = a[a.indexOf('-vf') + 1]!;
    expect(vf).toMatch(/^select='isnan\(prev_selected_t\)\+gte\(t-prev_selected_t\\,0\.095000\)',scale=640:480:force_original_aspect_ratio=decrease/);
    expect(vf).toMatch(/pad=640:480:0:0,format=rgb24,showinfo=checksum=0$/);
    expect(a.slice(-7)).toEqual(['-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    expect(ffmpegArgs({ source: 'clip.mp4', loop: true }, 0)).toContain('-stream_loop');
    const resumed = ffmpegArgs({ source: 'clip.mp4' }, 2500);
    expect(resumed.slice(resumed.indexOf('-ss'), resumed.indexOf('-ss') + 2)).toEqual(['-ss', '2.500']);
    expect(ffmpegArgs({ source: 'clip.mp4', realtime: false }, 0)).not.toContain('-re');
    expect(ffmpegArgs({ source: 'clip.mp4' }, 0).join(' ')).not.toContain('select=');
  });

  it('uses the right input options for cameras and network streams', () => {
    const dev = ffmpegArgs({ source: '/dev/video0', inputArgs: ['-input_format', 'mjpeg'] }, 0);
    expect(dev.slice(dev.indexOf('-f'), dev.indexOf('-i') + 2)).toEqual(['-f', 'v4l2', '-input_format', 'mjpeg', '-threads', '1', '-i', '/dev/video0']);
    expect(ffmpegArgs({ source: 'rtsp://cam/s' }, 0).join(' ')).toContain('-rtsp_transport tcp');
    expect(ffmpegArgs({ source: 'http://cam/mjpeg' }, 0).join(' ')).toContain('-use_wallclock_as_timestamps 1');
    expect(ffmpegArgs({ source: 'rtsp://cam/s', width: 320, height: 240 }, 0).join(' ')).toContain('scale=320:240');
  });
});

describe('ffmpeg log parsing', () => {
  it('reads per-frame timestamps (with or without the filter prefix), the input size and messages', () => {
    const p = new FfmpegLogParser();
    expect(p.parse('Input #0, mov,mp4,m4a,3gp,3g2,mj2, from \'clip.mp4\':')).toEqual({ kind: 'ignore' });
    expect(p.parse('  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 1920x1080 [SAR 1:1 DAR 16:9], 30 fps')).toEqual({ kind: 'input-size', width: 1920, height: 1080 });
    expect(p.parse('[Parsed_showinfo_3 @ 0x55f70f868500] n:  12 pts:   6144 pts_time:0.4     pos: 48 fmt:rgb24')).toEqual({ kind: 'frame', n: 12, ptsTime: 0.4 });
    expect(p.parse('n:   0 pts:      2 pts_time:0.08    pos:    19355 fmt:rgb24 sar:375/376')).toEqual({ kind: 'frame', n: 0, ptsTime: 0.08 });
    expect(p.parse('[Parsed_showinfo_3 @ 0x55f70f868500] color_range:pc color_space:gbr')).toEqual({ kind: 'ignore' });
    expect(p.parse('Output #0, rawvideo, to \'pipe:1\':')).toEqual({ kind: 'ignore' });
    expect(p.parse('  Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24, 640x480')).toEqual({ kind: 'ignore' });
    expect(p.parse('[tcp @ 0x5612] Connection to tcp://127.0.0.1:9 failed: Connection refused')).toEqual({ kind: 'message', text: 'Connection to tcp://127.0.0.1:9 failed: Connection refused' });
  });
});

describe('ffmpeg source on real ffmpeg', () => {
  it('keeps the newest frame when the consumer is slow, counting drops; timestamps follow the stream', async () => {
    const clip = await makeClip({ scenes: [{ image: 'happy.jpg', seconds: 2 }], fps: 25, motion: false });
    const src = openVideoSource({ source: clip, realtime: false }); // decodes far faster than we consume
    const seen: { t: number; pts: number }[] = [];
    for await (const f of src) {
      expect(f.image.width * f.image.height * 3).toBe(f.image.data.length);
      seen.push({ t: f.t, pts: f.ptsMs });
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(src.stats.decoded).toBe(50);
    expect(src.stats.dropped).toBeGreaterThan(0);
    expect(src.stats.delivered + src.stats.dropped).toBe(src.stats.decoded);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.pts).toBeGreaterThan(seen[i - 1]!.pts); // always newer, never a queued old frame
      expect(seen[i]!.t).toBeGreaterThanOrEqual(seen[i - 1]!.t);
    }
    // pts are the stream's own: multiples of 40 ms at 25 fps
    for (const s of seen) expect(s.pts % 40).toBeCloseTo(0, 6);
  }, 60_000);

  it('restarts a failing decoder with growing backoff and gives up after maxRestarts with one clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-fake-ffmpeg-'));
    try {
      const fake = join(dir, 'ffmpeg');
      writeFileSync(fake, '#!/bin/sh\necho "rtsp://cam/s: Connection timed out" >&2\nexit 1\n');
      chmodSync(fake, 0o755);
      const events: VideoSourceEvent[] = [];
      const src = openVideoSource({ source: 'rtsp://cam/s', ffmpegPath: fake, restartMinMs: 40, restartMaxMs: 1000, maxRestarts: 3, random: () => 1, onEvent: (e) => events.push(e) });
      await expect(async () => {
        for await (const _ of src) throw new Error('no frame expected');
      }).rejects.toThrow(new VideoSourceError('rtsp://cam/s: no video after 4 attempts: Connection timed out (exit code 1)'));
      expect(events.filter((e) => e.kind === 'restart').map((e) => (e as { delayMs: number }).delayMs)).toEqual([40, 80, 160]);
      expect(events.filter((e) => e.kind === 'start')).toHaveLength(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails fast and clearly without ffmpeg, on a missing file and on a corrupt file', async () => {
    expect(() => openVideoSource({ source: '/nonexistent/clip.mp4' })).toThrow('/nonexistent/clip.mp4: cannot open video file (ENOENT)');
    const clip = await makeClip({ scenes: [{ image: 'happy.jpg', seconds: 0.2 }], motion: false });
    const noFfmpeg = openVideoSource({ source: clip, ffmpegPath: '/nonexistent/ffmpeg' });
    await expect(noFfmpeg[Symbol.asyncIterator]().next()).rejects.toThrow(/ffmpeg not found \('\/nonexistent\/ffmpeg'\): install it \(Debian\/Ubuntu: apt-get install ffmpeg\)/);
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-corrupt-'));
    try {
      const bad = join(dir, 'bad.mp4');
      writeFileSync(bad, Buffer.alloc(4096, 7));
      const events: VideoSourceEvent[] = [];
      const src = openVideoSource({ source: bad, onEvent: (e) => events.push(e) });
      await expect(src[Symbol.asyncIterator]().next()).rejects.toThrow(/bad\.mp4: ffmpeg cannot read this video: .*Invalid data found when processing input \(exit code 1\)$/);
      expect(events.some((e) => e.kind === 'restart')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
