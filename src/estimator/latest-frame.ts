/**
 * "Newest frame wins" between a producer (the decoder) and a consumer (inference)
 * running at different speeds: three reused frame buffers — one being filled, the
 * newest complete one waiting, one held by the consumer. When a frame completes while
 * the previous one is still waiting, the older one is dropped (and counted) and its
 * buffer is refilled: memory is bounded, nothing is queued, and the consumer always
 * gets the most recent frame. No allocation per frame once the size is known.
 */

/** A complete frame in the slot. */
export interface SlotFrame<M> {
  data: Uint8Array;
  meta: M;
}

/**
 * The three-buffer slot.
 *
 * @example
 * ```ts
 * const slot = new LatestFrameSlot<{ seq: number }>(640 * 480 * 3);
 * slot.fillBuffer().set(bytes); slot.commit({ seq: 1 });
 * const f = slot.take(); // { data, meta: { seq: 1 } }, the consumer's until its next take()
 * ```
 */
export class LatestFrameSlot<M> {
  private buffers: Uint8Array[];
  private fill: Uint8Array;
  private ready: SlotFrame<M> | null = null;
  private held: Uint8Array | null = null;
  /** Frames committed. */
  committed = 0;
  /** Frames overwritten before the consumer took them. */
  dropped = 0;

  constructor(readonly frameBytes: number) {
    if (!(frameBytes > 0) || !Number.isInteger(frameBytes)) throw new RangeError(`LatestFrameSlot: frame size must be a positive integer, got ${frameBytes}`);
    this.buffers = [new Uint8Array(frameBytes), new Uint8Array(frameBytes), new Uint8Array(frameBytes)];
    this.fill = this.buffers[0]!;
  }

  /** The buffer the producer writes the next frame into. */
  fillBuffer(): Uint8Array {
    return this.fill;
  }

  /** The fill buffer holds a complete frame: it becomes the waiting one (dropping an untaken older one). */
  commit(meta: M): void {
    this.committed++;
    const previous = this.ready;
    this.ready = { data: this.fill, meta };
    if (previous) {
      this.dropped++;
      this.fill = previous.data;
    } else {
      this.fill = this.freeBuffer();
    }
  }

  /** True when a frame is waiting. */
  get hasFrame(): boolean {
    return this.ready !== null;
  }

  /** Takes the waiting frame (null if none); the consumer holds its buffer until its next take(). */
  take(): SlotFrame<M> | null {
    const f = this.ready;
    if (!f) return null;
    this.ready = null;
    this.held = f.data;
    return f;
  }

  /** Forgets a waiting frame without counting it as dropped (e.g. the stream restarted). */
  clear(): void {
    this.ready = null;
    this.fill = this.freeBuffer();
  }

  private freeBuffer(): Uint8Array {
    for (const b of this.buffers) if (b !== this.held && b !== this.ready?.data) return b;
    throw new Error('LatestFrameSlot: no free buffer (internal error)');
  }
}
