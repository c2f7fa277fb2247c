/**
 * The person at the handover, among the faces in view. Every face is tracked across
 * frames (greedy IoU association, a track ends after `maxMissedMs` unseen); the main
 * person is the largest face whose centre lies in the region of interest (the whole
 * frame by default). The main person is kept while visible — another face must be
 * `switchRatio`× larger to take over — and, once established (tracked for
 * `holdAfterMs`), while briefly unseen (turned away, a missed detection): no other face
 * replaces them before their track ends. A person who leaves and another who enters
 * get different track ids, so the estimator starts the newcomer's affect from scratch
 * instead of continuing the previous person's.
 */
import type { FaceBox } from './types.ts';
import type { Region } from './image.ts';
import { boxIoU } from './models.ts';

/**
 * Options of {@link MainPersonTracker}; `roi` is the `estimator.roi` key of a cell
 * config (image coordinates of the camera frame, see docs/estimator.md).
 */
export interface TrackerOptions {
  /** Region of interest: only faces whose centre lies inside can be the main person. Default: the whole frame. */
  roi?: Region | null;
  /** Overlap needed to continue a track (default 0.3). */
  minIoU?: number;
  /** A track unseen this long ends (default 1000 ms). */
  maxMissedMs?: number;
  /** Another face takes over only when this many times larger in area (default 1.5). */
  switchRatio?: number;
  /** A main person tracked this long is held while unseen, until their track ends (default 500 ms). */
  holdAfterMs?: number;
}

/** One tracked face. */
export interface FaceTrack {
  id: number;
  box: FaceBox;
  firstT: number;
  lastT: number;
}

/** The tracker's answer for one frame. */
export interface TrackUpdate {
  /** The main person's face in this frame (null when not visible in it). */
  face: FaceBox | null;
  /** The main person's track id (kept while briefly unseen; null when there is none). */
  trackId: number | null;
  /** The main person changed (a different track than before): their affect starts afresh. */
  newPerson: boolean;
}

/** Tracks faces and picks the person at the handover. */
export class MainPersonTracker {
  private tracks: FaceTrack[] = [];
  private nextId = 1;
  private mainId: number | null = null;
  private lastMainId: number | null = null;
  private roi: Region | null;
  private readonly minIoU: number;
  private readonly maxMissedMs: number;
  private readonly switchRatio: number;
  private readonly holdAfterMs: number;
  /** How many times the main person changed from one track to another. */
  switches = 0;

  /**
   * @example
   * ```ts
   * const tr = new MainPersonTracker({ roi: { x: 100, y: 0, width: 440, height: 480 } });
   * const { face, trackId, newPerson } = tr.update(faces, frameTimeMs);
   * ```
   */
  constructor(opts: TrackerOptions = {}) {
    this.roi = opts.roi ?? null;
    this.minIoU = opts.minIoU ?? 0.3;
    this.maxMissedMs = opts.maxMissedMs ?? 1000;
    this.switchRatio = opts.switchRatio ?? 1.5;
    this.holdAfterMs = opts.holdAfterMs ?? 500;
    if (this.roi) checkRegion(this.roi);
    if (!(this.minIoU > 0 && this.minIoU <= 1)) throw new RangeError(`tracker minIoU must be in (0, 1], got ${this.minIoU}`);
    if (!(this.maxMissedMs >= 0)) throw new RangeError(`tracker maxMissedMs must be ≥ 0, got ${this.maxMissedMs}`);
    if (!(this.switchRatio >= 1)) throw new RangeError(`tracker switchRatio must be ≥ 1, got ${this.switchRatio}`);
  }

  /** Changes the region of interest (image pixels of the frames given to {@link update}); null = whole frame. */
  setRoi(roi: Region | null): void {
    if (roi) checkRegion(roi);
    this.roi = roi;
  }

  /** Associates this frame's detections (frame time `t`, ms) and picks the main person. */
  update(faces: readonly FaceBox[], t: number): TrackUpdate {
    // end tracks unseen for too long
    this.tracks = this.tracks.filter((tr) => t - tr.lastT <= this.maxMissedMs);
    if (this.mainId !== null && !this.tracks.some((tr) => tr.id === this.mainId)) this.mainId = null;
    // greedy association, best overlap first
    const pairs: [number, number, number][] = [];
    for (let i = 0; i < this.tracks.length; i++)
      for (let j = 0; j < faces.length; j++) {
        const iou = boxIoU(this.tracks[i]!.box, faces[j]!);
        if (iou >= this.minIoU) pairs.push([iou, i, j]);
      }
    pairs.sort((a, b) => b[0] - a[0]);
    const trackUsed = new Set<number>();
    const faceTrack = new Array<FaceTrack | null>(faces.length).fill(null);
    for (const [, i, j] of pairs) {
      if (trackUsed.has(i) || faceTrack[j]) continue;
      trackUsed.add(i);
      const tr = this.tracks[i]!;
      tr.box = faces[j]!;
      tr.lastT = t;
      faceTrack[j] = tr;
    }
    faces.forEach((f, j) => {
      if (faceTrack[j]) return;
      const tr: FaceTrack = { id: this.nextId++, box: f, firstT: t, lastT: t };
      this.tracks.push(tr);
      faceTrack[j] = tr;
    });
    // candidates: seen in this frame, centre inside the ROI
    let largest: FaceTrack | null = null;
    let main: FaceTrack | null = null;
    for (const tr of faceTrack) {
      if (!tr || !this.inRoi(tr.box)) continue;
      if (tr.id === this.mainId) main = tr;
      if (!largest || area(tr.box) > area(largest.box)) largest = tr;
    }
    // an established main person, unseen in this frame but not gone, keeps the role
    const mainAlive = this.mainId !== null && this.tracks.some((tr) => tr.id === this.mainId && this.inRoi(tr.box) && tr.lastT - tr.firstT >= this.holdAfterMs);
    if (main && largest && largest !== main && area(largest.box) >= this.switchRatio * area(main.box)) main = largest;
    else if (!main && !mainAlive) main = largest;
    if (!main) {
      if (!mainAlive) this.mainId = null;
      return { face: null, trackId: this.mainId, newPerson: false };
    }
    const newPerson = main.id !== this.lastMainId;
    if (newPerson && this.lastMainId !== null) this.switches++;
    this.mainId = main.id;
    this.lastMainId = main.id;
    return { face: main.box, trackId: main.id, newPerson };
  }

  /** Forgets every track (independent stills, or a new episode). */
  reset(): void {
    this.tracks = [];
    this.mainId = null;
    this.lastMainId = null;
  }

  private inRoi(b: Region): boolean {
    const r = this.roi;
    if (!r) return true;
    const cx = b.x + b.width / 2;
    const cy = b.y + b.height / 2;
    return cx >= r.x && cx <= r.x + r.width && cy >= r.y && cy <= r.y + r.height;
  }
}

function area(b: Region): number {
  return b.width * b.height;
}

function checkRegion(r: Region): void {
  for (const k of ['x', 'y', 'width', 'height'] as const) {
    if (typeof r[k] !== 'number' || !Number.isFinite(r[k])) throw new RangeError(`roi.${k} must be a finite number, got ${JSON.stringify(r[k])}`);
  }
  if (!(r.width > 0 && r.height > 0)) throw new RangeError(`roi width and height must be > 0, got ${r.width}×${r.height}`);
}
