/**
 * Sends sign-in codes: at once, on their own (never grouped with alerts, never queued behind
 * them), through NOTIFY_SMTP_URL. A refused send is tried again after 30 s, 1, 2, 4 and 8
 * minutes, but never once 15 minutes have passed: the code is long dead by then, and a late
 * code only confuses. Nothing is stored: a code that could not go out before a restart is one
 * the person asks for again.
 *
 * @example
 *   const mailer = createCodeMailer({ smtpUrl, from, workspaceName: 'Acme', logger });
 *   mailer.send('bo@acme.test', '482913');
 */
import nodemailer from 'nodemailer';
import type { Logger } from '../log/index.ts';

/** After this, a code that did not go out is dropped. */
export const CODE_MAIL_GIVE_UP_MS = 15 * 60_000;
const RETRY_MS = [30_000, 60_000, 120_000, 240_000, 480_000];

export interface CodeMailer {
  send(to: string, code: string): void;
  close(): void;
}

export interface CodeMailerOptions {
  smtpUrl: string;
  from: string;
  workspaceName: string;
  logger: Logger;
  /** The clock the 15 minutes are read on, and the waits between tries (tests shorten them). */
  now?: () => number;
  retryMs?: readonly number[];
}

export function createCodeMailer({ smtpUrl, from, workspaceName, logger, now = Date.now, retryMs = RETRY_MS }: CodeMailerOptions): CodeMailer {
  const transport = nodemailer.createTransport(smtpUrl, { from });
  const timers = new Set<NodeJS.Timeout>();

  function attempt(to: string, subject: string, text: string, startedAt: number, tries: number): void {
    transport.sendMail({ from, to, subject, text }).then(
      () => logger.info('signin_code.sent', { tries: tries + 1 }),
      (error: Error) => {
        const wait = retryMs[tries];
        if (wait === undefined || now() + wait - startedAt > CODE_MAIL_GIVE_UP_MS) {
          logger.warn('signin_code.dropped', { tries: tries + 1, error: error.message });
          return;
        }
        logger.warn('signin_code.retry', { tries: tries + 1, error: error.message });
        const timer = setTimeout(() => {
          timers.delete(timer);
          attempt(to, subject, text, startedAt, tries + 1);
        }, wait);
        timer.unref();
        timers.add(timer);
      },
    );
  }

  return {
    send(to, code) {
      const subject = `${code} is your ${workspaceName} sign-in code`;
      const text = `Your ${workspaceName} (Regrant) sign-in code is:\n\n    ${code}\n\nType it into the sign-in window. It works once, for 10 minutes.\n\nIf you did not try to sign in, ignore this email: nobody can sign in without the code.\n`;
      attempt(to, subject, text, now(), 0);
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      transport.close();
    },
  };
}
