/**
 * `npm run demo`: Regrant with mailboxes in every state, on this machine, with a console.
 * `npm run demo -- <command>`: sends the command to the demo running in another terminal
 * (loading only what that needs, so that it answers at once).
 */
export {}; // a module, for top-level await

const command = process.argv.slice(2).join(' ').trim();
if (command) {
  const { sendCommand } = await import('./control.ts');
  process.exit(await sendCommand(command, (text) => process.stdout.write(text)));
}

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a whole number from 0 to 65535 (got "${process.env.PORT}")`);
  process.exit(1);
}
const { runDemo } = await import('./run.ts');
await runDemo(port);
