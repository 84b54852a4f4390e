/**
 * The demo's console on standard input: a prompt on a terminal, plain lines otherwise (a
 * pipe, a test). Whatever the demo says meanwhile is printed above the prompt.
 *
 * @example
 *   const console = startConsole({ run: commands.run, quit });
 *   console.say('● sales@acme.test: Connected → Needs re-authentication');
 */
import readline from 'node:readline';
import type { RunCommand } from './control.ts';

export interface Console {
  say(text: string): void;
  close(): void;
}

export function startConsole({ run, quit }: { run: RunCommand; quit(): void }): Console {
  const tty = !!process.stdin.isTTY && !!process.stdout.isTTY;
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: tty, prompt: 'demo> ' });
  let closed = false;
  let closing = false;
  let running = 0;
  const say = (text: string) => {
    if (!tty || closed) return void process.stdout.write(text + '\n');
    readline.clearLine(process.stdout, 0);
    readline.cursorTo(process.stdout, 0);
    process.stdout.write(text + '\n');
    // The prompt (with what was typed so far) comes back under news, and after a command's answer.
    if (!running) rl.prompt(true);
  };
  // One command at a time, in the order typed.
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    running++;
    queue = queue
      .then(() => run(line, say).catch((error: Error) => say(`Failed: ${error.message}`)))
      .then(() => {
        running--;
        if (tty && !closed && !running) rl.prompt();
      });
  });
  rl.on('SIGINT', quit); // Ctrl-C at the prompt
  rl.on('close', () => {
    closed = true;
    if (closing) return;
    // Ctrl-D on a terminal means "stop"; a pipe that ends leaves the demo running.
    if (tty) quit();
    else process.stdout.write('Standard input ended: the console is off. Stop the demo with Ctrl-C or: npm run demo -- quit\n');
  });
  if (tty) rl.prompt();
  return {
    say,
    close() {
      closing = true;
      if (!closed) rl.close();
    },
  };
}
