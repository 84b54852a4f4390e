/**
 * `npm run demo -- <command>` from another terminal: the running demo listens on a unix
 * socket in its temporary folder and records where in `regrant-demo.json` in the OS temp
 * folder; a second invocation reads the record, sends the command line, and prints the
 * answer as it streams back.
 *
 * @example
 *   const control = await listenForCommands(world.dir, commands.run);
 *   const exitCode = await sendCommand('break sales@acme.test', (text) => process.stdout.write(text));
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Runs one command line, saying its output as it goes. */
export type RunCommand = (line: string, say: (text: string) => void) => Promise<void>;

interface DemoRecord {
  pid: number;
  socket: string;
}

/** Where a running demo says how to reach it (follows TMPDIR, so tests get their own). */
export const recordFile = () => path.join(os.tmpdir(), 'regrant-demo.json');

export async function listenForCommands(dir: string, run: RunCommand): Promise<{ close(): Promise<void> }> {
  const socket = path.join(dir, 'control.sock');
  const server = net.createServer((connection) => {
    connection.on('error', () => {});
    let buffer = '';
    connection.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      connection.removeAllListeners('data');
      const say = (text: string) => void (connection.writable && connection.write(text.endsWith('\n') ? text : text + '\n'));
      run(buffer.slice(0, nl), say)
        .catch((error: Error) => say(`Failed: ${error.message}`))
        .finally(() => connection.end());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, resolve);
  });
  // The newest demo answers; an older one still running keeps its own socket.
  writeFileSync(recordFile(), JSON.stringify({ pid: process.pid, socket } satisfies DemoRecord), { mode: 0o600 });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        if (readRecord()?.pid === process.pid) rmSync(recordFile(), { force: true });
        server.close(() => resolve());
      }),
  };
}

function readRecord(): DemoRecord | null {
  try {
    return JSON.parse(readFileSync(recordFile(), 'utf8')) as DemoRecord;
  } catch {
    return null;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Sends the command to the running demo; answers the exit code (1: no demo runs). */
export async function sendCommand(line: string, print: (text: string) => void): Promise<number> {
  const record = readRecord();
  const none = 'No Regrant demo is running. Start one with: npm run demo\n';
  if (!record || !existsSync(record.socket)) {
    if (record && !alive(record.pid)) rmSync(recordFile(), { force: true });
    print(none);
    return 1;
  }
  return new Promise<number>((resolve) => {
    const connection = net.connect(record.socket);
    connection.on('connect', () => connection.write(line.replace(/\n/g, ' ') + '\n'));
    connection.on('data', (chunk) => print(chunk.toString('utf8')));
    connection.on('end', () => resolve(0));
    connection.on('error', (error: NodeJS.ErrnoException) => {
      if (!alive(record.pid)) rmSync(recordFile(), { force: true });
      print(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? none : `Cannot reach the demo (pid ${record.pid}): ${error.message}\n`);
      resolve(1);
    });
  });
}
