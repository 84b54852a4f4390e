import { useState } from 'preact/hooks';
import type { LoginTestResult, ServerSettingsView } from '../../shared/api.ts';
import { settingsChangeSchema, serverSettingsSchema } from '../../shared/schemas.ts';
import { problemOf } from '../utils/api.ts';
import { t } from '../utils/i18n.ts';
import { testResultText, type TestPart, type TestResultText } from '../utils/test-results.ts';
import { ServerFields, SubmitAndResult, fieldLabel, type ServerFieldValues } from './ServerFields.tsx';

export type Part = TestPart;

const TEXT: Record<Part, { title: string; button: string }> = {
  smtp: { title: 'settingsFormSendingTitle', button: 'settingsFormTestSending' },
  imap: { title: 'settingsFormReceivingTitle', button: 'settingsFormTestReceiving' },
};

/**
 * The sending or receiving settings of a custom mailbox. Its button tests what is in the form:
 * the server saves a change only when its sign-in passes (a refusal leaves the form as typed
 * and the saved settings as they were), then Test Sending sends a test email to `email` and
 * Test Receiving looks for it. An empty password keeps the saved one.
 */
export function SettingsForm({ part, email, saved, onTest }: { part: Part; email: string; saved: ServerSettingsView | null; onTest: (patch: Record<string, unknown>) => Promise<LoginTestResult> }) {
  const [values, setValues] = useState<ServerFieldValues>({
    host: saved?.host ?? '',
    port: String(saved?.port ?? (part === 'smtp' ? 587 : 993)),
    security: saved?.security ?? (part === 'smtp' ? 'starttls' : 'tls'),
    username: saved?.username ?? '',
    password: '',
  });
  const [result, setResult] = useState<TestResultText | null>(null);
  const [busy, setBusy] = useState(false);
  const text = TEXT[part];

  async function submit(e: Event) {
    e.preventDefault();
    const { password, ...rest } = values;
    const input = { ...rest, ...(password ? { password } : {}) };
    const parsed = (saved?.hasPassword ? settingsChangeSchema : serverSettingsSchema).safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setResult({ tone: 'error', text: t('settingsFormFieldProblem', fieldLabel(String(issue.path[0] ?? '')), issue.message) });
      return;
    }
    // Only what changed is sent: the same settings again must not count as new ones.
    const changes = Object.fromEntries(Object.entries(parsed.data).filter(([k, v]) => !saved || k === 'password' || saved[k as keyof ServerSettingsView] !== v));
    setBusy(true);
    setResult({ tone: 'ok', text: t('settingsFormTesting') });
    try {
      const answer = await onTest(changes);
      setValues((v) => ({ ...v, password: '' }));
      setResult(testResultText(part, email, answer));
    } catch (error) {
      // Refused: nothing was saved, and what was typed stays for the next try.
      setResult({ tone: 'error', text: problemOf(error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="settings" onSubmit={submit} aria-label={t(text.title)}>
      <h3>{t(text.title)}</h3>
      <ServerFields idPrefix={part} values={values} onChange={setValues} passwordPlaceholder={saved?.hasPassword ? t('settingsFormPasswordUnchanged') : ''} />
      <SubmitAndResult label={t(text.button)} busy={busy} result={result} />
    </form>
  );
}
