// Runs before the tests: they use a real Dovecot IMAP server, PostgreSQL, Debian's Chromium and Firefox ESR. When one
// is missing, say which package brings it, and install it when we are root on a Debian
// machine with apt-get.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

// Debian's postgresql package puts initdb and pg_ctl under /usr/lib/postgresql/<version>/bin.
const postgresBins = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin/initdb`) : [];
const needs = [
  { what: 'a real IMAP server (Dovecot)', paths: ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'], pkg: 'dovecot-imapd' },
  { what: 'a real PostgreSQL (the tests run again on a throwaway cluster)', paths: postgresBins, pkg: 'postgresql' },
  { what: 'a real browser (Chromium)', paths: [process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'], pkg: 'chromium' },
  { what: 'a second real browser (Firefox ESR)', paths: [process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'], pkg: 'firefox-esr' },
  { what: 'promtool (Prometheus), which checks the documented alert rules', paths: ['/usr/bin/promtool'], pkg: 'prometheus' },
];
const missing = needs.filter((n) => !n.paths.some((p) => existsSync(p)));
if (missing.length) {
  const pkgs = missing.map((n) => n.pkg);
  const canInstall = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (!canInstall) {
    console.error(`The tests need ${missing.map((n) => n.what).join(' and ')}: install with\n  sudo apt-get install -y ${pkgs.join(' ')}\nthen run npm test again.`);
    process.exit(1);
  }
  console.error(`Installing ${pkgs.join(' ')} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env });
}
// Dovecot's own service is not needed (tests start their own instances on free ports).
