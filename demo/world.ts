/**
 * Everything the demo runs, on this machine: Regrant itself (the real server, SQLite in a
 * temporary folder) on a real port, the Google and Microsoft stand-ins, smtp-server, Dovecot
 * when it is installed, and two broken mail servers (one refuses connections, one never
 * answers). `stop()` ends them all and removes the temporary folder.
 *
 * @example
 *   const world = await startWorld({ port: 8787 });
 *   console.log(world.url); // http://127.0.0.1:8787
 *   await world.stop();
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config/index.ts';
import { createLogger } from '../server/log/index.ts';
import { createRegrant, type Regrant } from '../server/regrant.ts';
import { DOVECOT_BIN } from '../test/support/dovecot.ts';
import { intoInboxes } from '../test/support/mail-samples.ts';
import { startOAuthServers, type OAuthServers } from '../test/support/oauth-servers.ts';
import { freePort, startSilentServer } from '../test/support/ports.ts';
import type { ReceivedMail } from '../test/support/smtp.ts';
import { CAST, needsImap, type DemoMailbox } from './cast.ts';
import { listen, type Listening } from './listen.ts';

export interface World {
  regrant: Regrant;
  servers: OAuthServers;
  /** Regrant's address, also its PUBLIC_URL. */
  url: string;
  /** The port asked for was taken: `url` names another. */
  portFellBack: boolean;
  /** The temporary folder: the database, its key and server.log. */
  dir: string;
  /** The mailboxes this machine can run (without Dovecot, those that need IMAP are left out). */
  cast: DemoMailbox[];
  /** Custom mailboxes' passwords as the mail servers know them (change with `setPassword`). */
  passwords: Record<string, string>;
  /** A loopback port that refuses connections, and one that accepts and never answers. */
  refusingPort: number;
  silentPort: number;
  stop(): Promise<void>;
}

export async function startWorld({ port }: { port: number }): Promise<World> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'regrant-demo-'));
  let http: Listening | undefined;
  let servers: OAuthServers | undefined;
  let silent: Awaited<ReturnType<typeof startSilentServer>> | undefined;
  let regrant: Regrant | undefined;
  // Regrant waits for the checks under way: the silent server goes first, so its check ends at once.
  const stop = async () => {
    for (const step of [http?.close, silent?.close, regrant && (() => regrant!.close()), servers?.stop]) await step?.().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    http = await listen(port, '127.0.0.1');
    const url = `http://127.0.0.1:${http.port}`;
    const cast = CAST.filter((m) => DOVECOT_BIN || !needsImap(m));
    const passwords = Object.fromEntries(cast.filter((m) => m.password).map((m) => [m.email, m.password!]));
    // What a custom mailbox's Test Sending sends lands in its Dovecot INBOX, where Test Receiving looks.
    const deliver = DOVECOT_BIN ? (mail: ReceivedMail) => intoInboxes(servers!.imap!, passwords)(mail) : undefined;
    const oauthMailboxes = cast.filter((m) => m.provider !== 'custom').map((m) => m.email);
    servers = await startOAuthServers(oauthMailboxes, { origin: url, passwords, imap: !!DOVECOT_BIN, deliver });
    // A person re-granting from the popup sees a consent screen with an Allow button.
    servers.google.consentScreen = true;
    silent = await startSilentServer();

    const log = path.join(dir, 'server.log');
    // The demo's mail servers run on loopback, which Regrant refuses unless the operator opens it.
    // Alerts go at once in the demo, so the console shows each break's alert as it happens.
    const config = loadConfig({ ...servers.env, DATA_DIR: path.join(dir, 'data'), HOST: '127.0.0.1', PORT: String(http.port), PUBLIC_URL: url, ALLOW_PRIVATE_HOSTS: '127.0.0.0/8', ALERT_GROUP_WAIT_SECONDS: '0', ALERT_GROUP_INTERVAL_SECONDS: '0' });
    regrant = await createRegrant(config, { logger: createLogger((line) => appendFileSync(log, line + '\n')) });
    http.setApp(regrant.app.fetch);
    return { regrant, servers, url, portFellBack: http.fellBack, dir, cast, passwords, refusingPort: await freePort(), silentPort: silent.port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
