/**
 * A real Dovecot IMAP server for tests, on a free loopback port, with a passwd-file of users.
 * Started in the foreground as a child process (design §9) and stopped with the test file.
 *
 * @example
 *   const imap = await startDovecot({ 'ann@acme.test': 'pw1' });
 *   await imap.setPassword('ann@acme.test', 'pw2'); // waits until Dovecot re-reads the file
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports.ts';

export const DOVECOT_BIN = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p));

export interface DovecotOptions {
  /** URL Dovecot POSTs `token=…` to for XOAUTH2/OAUTHBEARER logins. */
  oauthIntrospectionUrl?: string;
}

export interface Dovecot {
  host: string;
  port: number;
  setPassword(user: string, password: string): Promise<void>;
  /** Many at once, with one wait for Dovecot to re-read its file. */
  setPasswords(passwords: Record<string, string>): Promise<void>;
  addUser(user: string, password: string): Promise<void>;
  /**
   * Makes Dovecot forget the inbox's UIDs: on the next open it gives the mailbox a new
   * UIDVALIDITY and numbers every message afresh, as after a server move or restore.
   */
  renumber(user: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startDovecot(users: Record<string, string>, options: DovecotOptions = {}): Promise<Dovecot> {
  if (!DOVECOT_BIN) throw new Error('Dovecot is not installed: apt-get install -y dovecot-imapd');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'regrant-dovecot-'));
  chmodSync(dir, 0o755); // Dovecot's auth process runs as the dovecot user and must read the passwd-file
  const port = await freePort();
  const passwdFile = path.join(dir, 'passwd');
  const mailDir = path.join(dir, 'mail');
  mkdirSync(mailDir, { recursive: true });
  // Dovecot refuses uid 0 for mail users: as root, mail belongs to nobody.
  const root = process.getuid?.() === 0;
  const uid = root ? 65534 : process.getuid!();
  const gid = root ? 65534 : process.getgid!();
  if (root) chownSync(mailDir, uid, gid);
  const accounts = { ...users };

  let mtime = Math.floor(Date.now() / 1000) - 10;
  const writeUsers = () => {
    const lines = Object.entries(accounts).map(([u, p]) => `${u}:{PLAIN}${p}:${uid}:${gid}::${path.join(mailDir, u)}::`);
    writeFileSync(passwdFile, lines.join('\n') + '\n', { mode: 0o644 });
    // Dovecot notices a change by the file's mtime in whole seconds.
    mtime += 2;
    utimesSync(passwdFile, mtime, mtime);
  };
  writeUsers();

  const oauth = options.oauthIntrospectionUrl
    ? `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${path.join(dir, 'oauth2.conf')}
}
`
    : '';
  if (options.oauthIntrospectionUrl) {
    // Dovecot 2.3.19 POSTs `token=…` (no Authorization header) and checks `active` first: an
    // inactive token is NO [AUTHENTICATIONFAILED]. Then `username` must be present (missing is
    // a temporary failure, NO [UNAVAILABLE]) and equal the login user, both lowercased by
    // username_format (%Lu). A refused token then falls through to the passwd-file passdb.
    writeFileSync(
      path.join(dir, 'oauth2.conf'),
      `introspection_mode = post\nintrospection_url = ${options.oauthIntrospectionUrl}\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n`,
    );
  }
  const conf = path.join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `base_dir = ${path.join(dir, 'run')}
state_dir = ${path.join(dir, 'state')}
log_path = ${path.join(dir, 'dovecot.log')}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login${options.oauthIntrospectionUrl ? ' xoauth2 oauthbearer' : ''}
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
${oauth}passdb {
  driver = passwd-file
  args = scheme=PLAIN ${passwdFile}
}
userdb {
  driver = passwd-file
  args = ${passwdFile}
}
service imap-login {
  chroot =
  # High-performance mode: login processes serve many connections instead of one process per
  # login (a fork and exec each, ~30 logins/s on two cores).
  service_count = 0
  process_min_avail = 2
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service imap {
  # Every test user is the same system user: an imap process may serve one after another.
  service_count = 0
  process_min_avail = 2
}
service anvil {
  chroot =
  # No auth process may reach this socket, which turns the per-IP penalty off: otherwise every
  # login after a failed one waits 2 s, doubling to 15 s, and tests crawl.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service stats {
  inet_listener http {
    port = 0
  }
}
`,
  );
  const child: ChildProcess = spawn(DOVECOT_BIN, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  try {
    await waitForPort(port, 10_000, () => child.exitCode !== null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Dovecot did not start: ${stderr}\n${String(error)}`);
  }

  const reload = async () => {
    writeUsers();
    // Dovecot looks at the passwd-file at most once a second.
    await new Promise((r) => setTimeout(r, 1100));
  };

  return {
    host: '127.0.0.1',
    port,
    async setPassword(user, password) {
      accounts[user] = password;
      await reload();
    },
    async setPasswords(passwords) {
      Object.assign(accounts, passwords);
      await reload();
    },
    async addUser(user, password) {
      accounts[user] = password;
      await reload();
    },
    async renumber(user) {
      const maildir = path.join(mailDir, user, 'Maildir');
      for (const name of readdirSync(maildir)) if (name.startsWith('dovecot')) rmSync(path.join(maildir, name), { recursive: true, force: true });
      // UIDVALIDITY is a timestamp in seconds: let a second pass so the new one differs.
      await new Promise((r) => setTimeout(r, 1100));
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!process.env.KEEP_DOVECOT) rmSync(dir, { recursive: true, force: true });
    },
  };
}

