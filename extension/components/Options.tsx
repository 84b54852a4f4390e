import { useEffect, useState } from 'preact/hooks';
import type { StatusResponse } from '../../shared/api.ts';
import { problemOf } from '../utils/api.ts';
import type { PollState } from '../utils/poll.ts';
import { t } from '../utils/i18n.ts';
import { POLL_SECONDS, clampPollSeconds, parseServerUrl, type Settings } from '../utils/settings.ts';
import { SignIn, type SignInDeps } from './SignIn.tsx';

export interface OptionsDeps extends SignInDeps {
  load(): Promise<Settings>;
  save(settings: Settings): Promise<void>;
  /** `GET /api/status` with the settings as typed, saved or not. */
  fetchStatus(settings: Settings): Promise<StatusResponse>;
  pollNow(): Promise<PollState | null>;
}

const INTERVALS = [30, 60, 120, 300, 600];
const intervalLabel = (s: number) => (s < 60 ? `${s} seconds` : s === 60 ? '1 minute' : `${s / 60} minutes`);

type Message = { text: string; kind: 'ok' | 'error' | 'info' };

function describe(status: StatusResponse): string {
  const { total, needsReauth } = status.counts;
  const mailboxes = total === 1 ? '1 mailbox' : `${total} mailboxes`;
  return needsReauth ? `Connected: ${mailboxes}, ${needsReauth} need${needsReauth === 1 ? 's' : ''} re-authentication.` : `Connected: ${mailboxes}, none needs re-authentication.`;
}

/** Server URL, API token and how often to check; Test connection before or after saving. */
export function Options({ deps }: { deps: OptionsDeps }) {
  const [serverUrl, setServerUrl] = useState('');
  const [apiToken, setApiToken] = useState('');
  const [pollSeconds, setPollSeconds] = useState<number>(POLL_SECONDS.default);
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void deps.load().then((s) => {
      setServerUrl(s.serverUrl);
      setApiToken(s.apiToken);
      setPollSeconds(s.pollSeconds);
    });
  }, [deps]);

  function read(): Settings | null {
    const url = parseServerUrl(serverUrl);
    if (!url.ok) {
      setMessage({ text: url.message, kind: 'error' });
      return null;
    }
    if (!apiToken.trim()) {
      setMessage({ text: t('signinNeedsToken'), kind: 'error' });
      return null;
    }
    return { serverUrl: url.url, apiToken: apiToken.trim(), pollSeconds: clampPollSeconds(pollSeconds) };
  }

  async function work(task: (settings: Settings) => Promise<Message>) {
    const settings = read();
    if (!settings) return;
    setBusy(true);
    setMessage({ text: 'Checking…', kind: 'info' });
    try {
      setMessage(await task(settings));
    } catch (error) {
      setMessage({ text: problemOf(error).message, kind: 'error' });
    } finally {
      setBusy(false);
    }
  }

  /** A token from Sign in (or '' after Sign out) is saved at once, with the server URL as typed. */
  async function signedIn(token: string) {
    setApiToken(token);
    const url = parseServerUrl(serverUrl);
    if (!url.ok) return;
    setServerUrl(url.url);
    await deps.save({ serverUrl: url.url, apiToken: token, pollSeconds: clampPollSeconds(pollSeconds) });
    await deps.pollNow();
  }

  const test = () => work(async (settings) => ({ text: describe(await deps.fetchStatus(settings)), kind: 'ok' }));
  const save = () =>
    work(async (settings) => {
      await deps.save(settings);
      setServerUrl(settings.serverUrl);
      const state = await deps.pollNow();
      if (state?.problem) return { text: `Saved, but: ${state.problem.message}`, kind: 'error' };
      return { text: `Saved. ${state?.status ? describe(state.status) : ''}`.trim(), kind: 'ok' };
    });

  return (
    <main class="options">
      <h1>Regrant options</h1>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label>
          Server URL
          <input name="serverUrl" type="url" required placeholder="https://regrant.example.com" value={serverUrl} onInput={(e) => setServerUrl(e.currentTarget.value)} />
        </label>
        <SignIn deps={deps} serverUrl={serverUrl} apiToken={apiToken} onToken={signedIn} />
        <label>
          Check every
          <select name="pollSeconds" value={String(pollSeconds)} onChange={(e) => setPollSeconds(Number(e.currentTarget.value))}>
            {INTERVALS.map((s) => (
              <option value={String(s)}>{intervalLabel(s)}</option>
            ))}
          </select>
        </label>
        <details class="advanced">
          <summary>{t('advancedSummary')}</summary>
          <label>
            API token
            <input name="apiToken" type="password" required autoComplete="off" value={apiToken} onInput={(e) => setApiToken(e.currentTarget.value)} />
          </label>
          <p class="muted">{t('advancedHint')}</p>
        </details>
        <div class="buttons">
          <button class="primary" type="submit" disabled={busy}>
            Save
          </button>
          <button type="button" disabled={busy} onClick={() => void test()}>
            Test connection
          </button>
        </div>
      </form>
      <p class={`message ${message?.kind ?? ''}`} role="status" aria-live="polite">
        {message?.text}
      </p>
    </main>
  );
}
