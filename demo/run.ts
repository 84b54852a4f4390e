/**
 * The demo in a terminal: start and seed it, print the welcome and the mailboxes, then run
 * the console, the second-terminal socket and the watcher until `quit`, Ctrl-C or SIGTERM.
 *
 * @example await runDemo(8787);
 */
import { DOVECOT_BIN } from '../test/support/dovecot.ts';
import { createCommands } from './commands.ts';
import { startConsole } from './console.ts';
import { listenForCommands } from './control.ts';
import { tryThis, welcome } from './print.ts';
import { startDemo, type Demo } from './start.ts';
import { watch } from './watch.ts';

export async function runDemo(port: number): Promise<void> {
  let demo: Demo | undefined;
  const stops: Array<() => unknown> = [];
  let quitting = false;
  const quit = () => {
    if (quitting) return;
    quitting = true;
    void (async () => {
      for (const stop of stops.reverse()) await stop();
      await demo?.stop();
      process.stdout.write(demo ? `Stopped. Removed ${demo.world.dir}\n` : 'Stopped.\n');
      process.exit(0);
    })();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, quit);

  process.stdout.write('Starting the Regrant demo: the server, the Google and Microsoft stand-ins, SMTP and IMAP servers …\n');
  try {
    demo = await startDemo({ port });
  } catch (error) {
    console.error(`The demo could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  const { world, seeded } = demo;
  const commands = createCommands({ world, seeded, quit });
  const control = await listenForCommands(world.dir, commands.run);
  stops.push(control.close);

  const print = (text: string) => void process.stdout.write(text + '\n');
  print(
    welcome({
      url: world.url,
      adminToken: seeded.admin.token,
      memberToken: seeded.member.token,
      dir: world.dir,
      alertsCaught: world.servers.notify.received.length,
      portNote: world.portFellBack ? `Port ${port} is busy: the demo uses ${new URL(world.url).port} instead (set PORT to choose).` : null,
      imapNote: DOVECOT_BIN
        ? null
        : 'Dovecot is not installed, so there is no IMAP server: the Outlook mailboxes and the custom ones that must work are left out.\nInstall it and start the demo again for all of them: sudo apt-get install -y dovecot-imapd',
    }),
  );
  for (const surprise of seeded.surprises) print(`Note: the seed did not go as planned: ${surprise}.`);
  print('Mailboxes:');
  await commands.run('list', print);
  print(`\n${tryThis(world.cast, world.passwords)}\n`);

  const terminal = startConsole({ run: commands.run, quit });
  stops.push(terminal.close, watch(world, seeded.admin, terminal.say));
}
