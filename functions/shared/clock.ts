/** Time is a dependency: use cases take a Clock, tests pass one they control. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let override: Clock | undefined;
/** The process's clock: the system's, unless a composition root that hosts the handlers in-process set another (./container.ts useClock). */
export function currentClock(): Clock {
  return override ?? systemClock;
}
export function setClockOverride(clock: Clock | undefined): void {
  override = clock;
}

/** A clock that tests (and the local runtime's test hooks) move by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(d: Date): void {
    this.current = new Date(d.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
