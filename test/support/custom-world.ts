/**
 * One custom mailbox on real servers, connected: Dovecot and smtp-server knowing its password,
 * a Regrant, its owner, and the account after a good check.
 *
 * @example
 *   const world = await startCustomWorld('sales@acme.test', 'pw');
 *   await world.owner.post('/api/messages', { accountId: world.account.id, … });
 */
import { expect } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { startDovecot, type Dovecot } from './dovecot.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from './regrant.ts';
import { startSmtp, type SmtpOptions, type TestSmtp } from './smtp.ts';

export interface CustomWorld {
  imap: Dovecot;
  smtp: TestSmtp;
  rg: TestRegrant;
  owner: Client;
  account: AccountView;
  stop(): Promise<void>;
}

export async function startCustomWorld(email: string, password: string, smtpOptions: SmtpOptions = {}, env: Record<string, string> = {}): Promise<CustomWorld> {
  const imap = await startDovecot({ [email]: password });
  const smtp = await startSmtp({ [email]: password }, smtpOptions);
  const rg = await startRegrant(env);
  const owner = await rg.user(`owner@${email.split('@')[1]}`, 'member');
  const account = (await (await owner.post('/api/accounts', customMailbox(email, smtp, imap, password))).json()) as AccountView;
  expect(((await (await owner.post(`/api/accounts/${account.id}/check`)).json()) as AccountView).state).toBe('connected');
  return {
    imap,
    smtp,
    rg,
    owner,
    account,
    async stop() {
      await rg.destroy();
      await Promise.all([imap.stop(), smtp.stop()]);
    },
  };
}
