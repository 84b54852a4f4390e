import { Hono } from 'hono';
import type { LoginTestFinding, LoginTestResult } from '../../../shared/api.ts';
import type { Accounts } from '../../accounts/index.ts';
import type { Health } from '../../health/check.ts';
import type { LoginPart, LoginTests } from '../../health/login-test.ts';
import type { AuthEnv } from '../auth.ts';

/**
 * `POST /api/accounts/:id/test-sending` and `…/test-receiving`: Test Sending sends a test
 * email with the saved SMTP settings, Test Receiving logs in to IMAP and looks for it. A
 * passing test on a mailbox that is not connected runs a full check, so the mailbox becomes
 * `connected` once sending and receiving both work.
 */
export function accountTestRoutes(accounts: Accounts, health: Health, tests: LoginTests) {
  const test = (part: LoginPart) => async (c: import('hono').Context<AuthEnv>) => {
    const row = await accounts.row(c.var.user, c.req.param('id')!);
    const mailbox = accounts.credentials(row);
    const result: LoginTestFinding = part === 'smtp' ? await tests.sending(mailbox) : await tests.receiving(mailbox);
    // A full check makes the mailbox connected once both halves work. It is skipped while
    // the other half is the one known to fail: its dead password is not tried again until
    // someone changes it or tests it.
    const otherFails = row.reason_code?.startsWith(`${part === 'smtp' ? 'imap' : 'smtp'}_`);
    if (result.ok && row.state !== 'connected' && !otherFails) await health.checkNow(row.id);
    const { state } = await accounts.row(c.var.user, row.id);
    return c.json({ ...result, state } satisfies LoginTestResult);
  };
  return new Hono<AuthEnv>().post('/:id/test-sending', test('smtp')).post('/:id/test-receiving', test('imap'));
}
