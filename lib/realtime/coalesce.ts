// Leading- and trailing-edge coalescing for the live count: the first change after a quiet
// moment goes out at once; what follows within the window is sent once, when the window ends.
// Never two sends of one seminar at a time: whatever arrives during a send is sent after it.

/**
 * The window for a seminar with this many phones (one app process, which keeps the count as it
 * stores the votes): a small room sees every vote on the projector within a few milliseconds
 * (300 phones: 8 ms); a lecture hall voting all at once gets one update per 100 ms at most (from
 * 4,000 phones), so that thousands of votes a second cost the screens ten updates a second.
 */
export function liveCountWindowMs(phones: number): number {
  return Math.min(100, Math.max(0, Math.round(phones / 40)));
}

export class Coalescer {
  private timer?: ReturnType<typeof setTimeout>;
  private running = false;
  private dirty = false;
  private last = Number.NEGATIVE_INFINITY;
  /** A change that is not to wait for the window is among those not yet sent. */
  private immediate = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly windowMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Something changed: send now if the last send is a window ago (or `immediate`), else when
   * the window ends. During a send, once it is done.
   */
  request(immediate = false): void {
    this.dirty = true;
    this.immediate ||= immediate;
    if (this.timer || this.running) return;
    const wait = this.immediate ? 0 : this.last + this.windowMs() - this.now();
    if (wait <= 0) {
      void this.run();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, wait);
  }

  /** Whether a send is running or waiting for its window. */
  get busy(): boolean {
    return this.running || this.timer !== undefined;
  }

  private async run(): Promise<void> {
    this.dirty = false;
    this.immediate = false;
    this.running = true;
    this.last = this.now();
    try {
      await this.task();
    } finally {
      this.running = false;
      if (this.dirty) this.request(this.immediate);
    }
  }
}
