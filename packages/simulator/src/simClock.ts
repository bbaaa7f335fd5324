/** Real (wall-clock) time source in milliseconds; injectable so tests drive time themselves. */
export type RealClock = () => number;

/**
 * Simulated time: starts at `start` and runs `speed` times faster than the real clock.
 * `--speed 60` runs a simulated hour in a real minute; every span and event takes its time from here.
 */
export class SimClock {
  private realAnchor: number;
  private simAnchor: number;
  private currentSpeed: number;

  constructor(
    start: number,
    speed = 1,
    private readonly real: RealClock = Date.now,
  ) {
    if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
    this.realAnchor = real();
    this.simAnchor = start;
    this.currentSpeed = speed;
  }

  /** The current simulated time (ms since the epoch). */
  now(): number {
    return this.simAnchor + (this.real() - this.realAnchor) * this.currentSpeed;
  }

  /** How many simulated milliseconds pass per real millisecond. */
  get speed(): number {
    return this.currentSpeed;
  }

  /** Changes the speed from now on; `at` re-anchors the simulated time (default: no jump). */
  setSpeed(speed: number, at?: number): void {
    if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
    this.simAnchor = at ?? this.now();
    this.realAnchor = this.real();
    this.currentSpeed = speed;
  }

  /** Real milliseconds until the simulated time reaches `simTime` (0 if already past). */
  realDelayUntil(simTime: number): number {
    return Math.max(0, (simTime - this.now()) / this.currentSpeed);
  }
}
