import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../log/index.ts';
import { eventually } from '../../test/support/regrant.ts';
import { startSmtp, type TestSmtp } from '../../test/support/smtp.ts';
import { CODE_MAIL_GIVE_UP_MS, createCodeMailer } from './code-mail.ts';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp({}, { authOptional: true });
});
afterAll(() => smtp?.stop());

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = { info: (m) => void lines.push(m), warn: (m) => void lines.push(m), error: (m) => void lines.push(m) };
  return { logger, lines };
}

describe('sign-in code emails', () => {
  it('go out at once, with the code and what to do with it', async () => {
    const { logger } = recordingLogger();
    const mailer = createCodeMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: 'Regrant <signin@acme.test>', workspaceName: 'Acme', logger });
    mailer.send('bo@acme.test', '482913');
    const mail = await eventually(() => smtp.received.find((m) => m.to.includes('bo@acme.test')));
    expect(mail.subject).toBe('482913 is your Acme sign-in code');
    expect(mail.text).toMatch(/It works once, for 10 minutes/);
    mailer.close();
  });

  it('a refused send is tried again while the code could still be used, and never after 15 minutes', async () => {
    const { logger, lines } = recordingLogger();
    let clock = 0;
    const mailer = createCodeMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: 'signin@acme.test', workspaceName: 'Acme', logger, now: () => clock, retryMs: [20, 20, 20] });
    smtp.refuseMessages({ code: 451, text: '4.3.0 Try again later' });
    mailer.send('late@acme.test', '111111');
    await eventually(() => lines.includes('signin_code.retry'));
    smtp.refuseMessages(null);
    await eventually(() => lines.includes('signin_code.sent'));
    expect(smtp.received.filter((m) => m.to.includes('late@acme.test'))).toHaveLength(1);

    // Refused again, and the clock says 15 minutes have passed: dropped, not sent late.
    smtp.refuseMessages({ code: 451, text: '4.3.0 Try again later' });
    mailer.send('later@acme.test', '222222');
    clock += CODE_MAIL_GIVE_UP_MS;
    await eventually(() => lines.includes('signin_code.dropped'));
    smtp.refuseMessages(null);
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.received.filter((m) => m.to.includes('later@acme.test'))).toEqual([]);
    mailer.close();
  });
});
