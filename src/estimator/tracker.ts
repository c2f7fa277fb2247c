/**
 * Main-person tracking across frames: the robot adapts to the person it hands over
 * to, so one face is followed. The previous main face is kept while some detection
 * overlaps it (IoU ≥ minIoU); otherwise the largest, most confident face becomes the
 * main person and a switch is counted.
 */
import type { FaceBox } from './types.ts';
import { boxIoU } from './models.ts';

/** Follows the main face. */
export class MainPersonTracker {
  private last: FaceBox | null = null;
  private missed = 0;
  /** How many times the main person changed (new face chosen). */
  switches = 0;

  /**
   * @param minIoU overlap needed to keep following the same face (default 0.2)
   * @param maxMissed frames without a face before the track is dropped (default 15)
   * @example
   * ```ts
   * const tr = new MainPersonTracker();
   * const main = tr.update(faces); // FaceBox | null
   * ```
   */
  constructor(
    private readonly minIoU = 0.2,
    private readonly maxMissed = 15,
  ) {}

  /** Picks the main face among this frame's detections (null when none). */
  update(faces: readonly FaceBox[]): FaceBox | null {
    if (faces.length === 0) {
      if (++this.missed > this.maxMissed) this.last = null;
      return null;
    }
    this.missed = 0;
    let pick: FaceBox | null = null;
    if (this.last) {
      let best = this.minIoU;
      for (const f of faces) {
        const iou = boxIoU(this.last, f);
        if (iou >= best) {
          best = iou;
          pick = f;
        }
      }
    }
    if (!pick) {
      let bestScore = -1;
      for (const f of faces) {
        const s = f.width * f.height * f.score;
        if (s > bestScore) {
          bestScore = s;
          pick = f;
        }
      }
      if (this.last) this.switches++;
    }
    this.last = pick;
    return pick;
  }

  /** Forgets the track. */
  reset(): void {
    this.last = null;
    this.missed = 0;
  }
}
