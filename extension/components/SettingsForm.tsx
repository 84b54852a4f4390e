import { useState } from 'preact/hooks';
import type { LoginTestResult, ServerSettingsView } from '../../shared/api.ts';
import { SECURITY_MODES } from '../../shared/api.ts';
import { firstIssue, serverSettingsSchema } from '../../shared/schemas.ts';
import { problemOf } from '../utils/api.ts';
import { testResultText, type TestPart, type TestResultText } from '../utils/test-results.ts';

export type Part = TestPart;

const TEXT: Record<Part, { title: string; button: string }> = {
  smtp: { title: 'Sending (SMTP)', button: 'Test Sending' },
  imap: { title: 'Receiving (IMAP)', button: 'Test Receiving' },
};

const FIELD_LABEL: Record<string, string> = { host: 'Server', port: 'Port', security: 'Security', username: 'Username', password: 'Password' };

const SECURITY_LABEL = { tls: 'TLS (SSL)', starttls: 'STARTTLS', none: 'None (insecure)' } as const;

/**
 * The sending or receiving settings of a custom mailbox. Its button saves what changed and
 * tests it (Test Sending sends a test email to `email`, Test Receiving looks for it); an empty
 * password keeps the saved one.
 */
export function SettingsForm({ part, email, saved, onTest }: { part: Part; email: string; saved: ServerSettingsView | null; onTest: (patch: Record<string, unknown>) => Promise<LoginTestResult> }) {
  const [host, setHost] = useState(saved?.host ?? '');
  const [port, setPort] = useState(String(saved?.port ?? (part === 'smtp' ? 587 : 993)));
  const [security, setSecurity] = useState<string>(saved?.security ?? (part === 'smtp' ? 'starttls' : 'tls'));
  const [username, setUsername] = useState(saved?.username ?? '');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<TestResultText | null>(null);
  const [busy, setBusy] = useState(false);
  const text = TEXT[part];

  async function submit(e: Event) {
    e.preventDefault();
    const input = { host, port, security, username, ...(password ? { password } : {}) };
    const parsed = (saved?.hasPassword ? serverSettingsSchema.partial() : serverSettingsSchema).safeParse(input);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      setResult({ tone: 'error', text: `${FIELD_LABEL[issue.field] ?? issue.field ?? 'Settings'} ${issue.reason}` });
      return;
    }
    // Only what changed is saved: the same settings again must not count as new ones.
    const changes = Object.fromEntries(Object.entries(parsed.data).filter(([k, v]) => !saved || k === 'password' || saved[k as keyof ServerSettingsView] !== v));
    setBusy(true);
    setResult({ tone: 'ok', text: 'Testing…' });
    try {
      const answer = await onTest(changes);
      setPassword('');
      setResult(testResultText(part, email, answer));
    } catch (error) {
      setResult({ tone: 'error', text: problemOf(error).message });
    } finally {
      setBusy(false);
    }
  }

  const id = (name: string) => `${part}-${name}`;
  return (
    <form class="settings" onSubmit={submit} aria-label={text.title}>
      <h3>{text.title}</h3>
      <label for={id('host')}>Server</label>
      <input id={id('host')} value={host} onInput={(e) => setHost(e.currentTarget.value)} />
      <label for={id('port')}>Port</label>
      <input id={id('port')} inputMode="numeric" value={port} onInput={(e) => setPort(e.currentTarget.value)} />
      <label for={id('security')}>Security</label>
      <select id={id('security')} value={security} onChange={(e) => setSecurity(e.currentTarget.value)}>
        {SECURITY_MODES.map((m) => (
          <option value={m}>{SECURITY_LABEL[m]}</option>
        ))}
      </select>
      <label for={id('username')}>Username</label>
      <input id={id('username')} autoComplete="off" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
      <label for={id('password')}>Password</label>
      <input
        id={id('password')}
        type="password"
        autoComplete="new-password"
        placeholder={saved?.hasPassword ? 'unchanged' : ''}
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
      <div class="buttons">
        <button class="primary" type="submit" disabled={busy}>
          {text.button}
        </button>
      </div>
      <p class={`result ${result?.tone ?? ''}`} role="status" aria-live="polite">
        {result?.text}
      </p>
    </form>
  );
}
