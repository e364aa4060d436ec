/** The one clock every expiry is computed from. The console can move it forward (spec rule 4). */
export interface Clock {
  /** Current time in milliseconds since the epoch, including any offset. */
  nowMs(): number;
  /** Current time in whole seconds (what JWT claims carry). */
  nowSec(): number;
  now(): Date;
  /** Moves the clock by `ms` (positive or negative) relative to real time. */
  advance(ms: number): void;
  /** Current offset from real time, in ms. */
  offsetMs(): number;
  reset(): void;
}

export function createClock(realNow: () => number = Date.now): Clock {
  let offset = 0;
  const nowMs = () => realNow() + offset;
  return {
    nowMs,
    nowSec: () => Math.floor(nowMs() / 1000),
    now: () => new Date(nowMs()),
    advance: (ms) => {
      offset += ms;
    },
    offsetMs: () => offset,
    reset: () => {
      offset = 0;
    },
  };
}
