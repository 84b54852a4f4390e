// Runs before the tests: they use a real Dovecot IMAP server. When it is missing, say which
// package brings it, and install it when we are root on a Debian machine with apt-get.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const dovecot = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p));
if (!dovecot) {
  const canInstall = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (!canInstall) {
    console.error('The tests need a real IMAP server: install Dovecot with\n  sudo apt-get install -y dovecot-imapd\nthen run npm test again.');
    process.exit(1);
  }
  console.error('Dovecot is missing: installing dovecot-imapd with apt-get …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'dovecot-imapd'], { stdio: 'inherit', env });
}
// The package's own service is not needed (tests start their own instances on free ports).
