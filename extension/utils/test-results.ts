/**
 * What a Test Sending or Test Receiving answer means, in the words the settings form shows:
 * where the test email went, whether it arrived, or why the test failed.
 *
 * @example testResultText('smtp', 'ops@acme.test', answer) // { tone: 'ok', text: 'Sent a test email to ops@acme.test at 21:14. …' }
 */
import type { LoginTestResult } from '../../shared/api.ts';
import { t } from './i18n.ts';
import { clockText } from './time.ts';

export type TestPart = 'smtp' | 'imap';

export interface TestResultText {
  /** warn: the test passed, with something to look into (the test email has not arrived). */
  tone: 'ok' | 'warn' | 'error';
  text: string;
}

export function testResultText(part: TestPart, email: string, answer: LoginTestResult): TestResultText {
  if (!answer.ok) return { tone: 'error', text: [answer.error?.message, answer.error?.hint].filter(Boolean).join(' ') };
  const sent = answer.testEmail;
  if (part === 'smtp') {
    return sent
      ? { tone: 'ok', text: t('testResult_sent', email, clockText(sent.sentAt)) }
      : { tone: 'ok', text: t('testResult_sendingWorks') };
  }
  if (sent?.arrivedAt) return { tone: 'ok', text: t('testResult_arrived') };
  if (answer.notice) return { tone: 'warn', text: answer.notice };
  return { tone: 'ok', text: t('testResult_receivingWorks') };
}
