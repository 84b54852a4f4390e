/**
 * The demo world, started and seeded, with Regrant's background work running: what the
 * console (run.ts) and the screenshot script both begin with.
 *
 * @example
 *   const demo = await startDemo({ port: 0 });
 *   await demo.seeded.admin.get('/api/status');
 *   await demo.stop();
 */
import { seed, type Seeded } from './seed.ts';
import { startWorld, type World } from './world.ts';

export interface Demo {
  world: World;
  seeded: Seeded;
  stop(): Promise<void>;
}

export async function startDemo({ port }: { port: number }): Promise<Demo> {
  const world = await startWorld({ port });
  try {
    const seeded = await seed(world);
    // The seed's alert emails go now, so that what follows speaks only of what happens next.
    await world.regrant.notifier.kick();
    world.regrant.start();
    return { world, seeded, stop: world.stop };
  } catch (error) {
    await world.stop();
    throw new Error(`seeding the demo failed: ${(error as Error).message}`);
  }
}
