import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Coalescer, liveCountWindowMs } from "./coalesce";

describe("live count coalescing", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const counter = (window = 100) => {
    const sent: number[] = [];
    let changes = 0;
    const coalescer = new Coalescer(async () => void sent.push(changes), () => window);
    return { sent, coalescer, change: () => (changes++, coalescer.request()) };
  };

  it("sends the first change at once, without waiting for the window", () => {
    const { sent, change } = counter();
    change();
    expect(sent).toEqual([1]);
  });

  it("sends the changes that follow within the window once, when it ends, with all of them", async () => {
    const { sent, change } = counter();
    change();
    await vi.advanceTimersByTimeAsync(10);
    change();
    change();
    change();
    expect(sent).toEqual([1]);
    await vi.advanceTimersByTimeAsync(89);
    expect(sent).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([1, 4]);
    // Quiet again for a window: the next change goes out at once.
    await vi.advanceTimersByTimeAsync(100);
    change();
    expect(sent).toEqual([1, 4, 5]);
  });

  it("sends at once, even within the window, a change that is not to wait (another process already waited)", async () => {
    const { sent, coalescer, change } = counter();
    change();
    await vi.advanceTimersByTimeAsync(10);
    coalescer.request(true);
    expect(sent).toEqual([1, 1]);
  });

  it("never runs two sends at once: a change during a slow send is sent after it", async () => {
    let finish!: () => void;
    let runs = 0;
    const coalescer = new Coalescer(
      () => {
        runs++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      () => 0,
    );
    coalescer.request();
    coalescer.request();
    coalescer.request();
    expect(runs).toBe(1);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(2);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(2);
  });

  it("keeps small rooms' window short and a lecture hall's at 100 ms", () => {
    expect(liveCountWindowMs(30)).toBeLessThan(5);
    expect(liveCountWindowMs(300)).toBeLessThanOrEqual(10);
    expect(liveCountWindowMs(1000)).toBeLessThanOrEqual(100);
    expect(liveCountWindowMs(5000)).toBe(100);
  });
});
