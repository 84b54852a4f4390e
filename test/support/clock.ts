/**
 * A clock a test can move: real time plus an offset. Regrant's alert groups and reminders count
 * time by it (`createRegrant(config, { clock: clock.now })`); delivery, leases and checks keep
 * real time, so moving it ahead never makes a live instance look dead.
 *
 * @example
 *   const clock = movableClock();
 *   const rg = await startRegrant({}, { clock: clock.now });
 *   clock.advance(61_000); // a minute later, for the alert groups
 */
export interface MovableClock {
  now: () => Date;
  advance(ms: number): void;
}

export function movableClock(): MovableClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
  };
}
