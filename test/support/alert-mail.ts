/**
 * Alert emails as a person reads them: the test mail server's raw messages parsed by
 * mailparser into subject, text part and HTML part.
 *
 * @example const mails = await alertMails(notify, 'ann@acme.test');
 */
import { simpleParser } from 'mailparser';
import type { TestSmtp } from './smtp.ts';

export interface AlertMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export async function alertMails(notify: TestSmtp, to?: string): Promise<AlertMail[]> {
  const mails = notify.received.filter((m) => !to || m.to.includes(to));
  return Promise.all(
    mails.map(async (m) => {
      const parsed = await simpleParser(m.raw);
      return { to: m.to[0], subject: parsed.subject ?? '', text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '' };
    }),
  );
}

/** How many emails each recipient got. */
export function perRecipient(notify: TestSmtp): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of notify.received) for (const to of m.to) counts[to] = (counts[to] ?? 0) + 1;
  return counts;
}
