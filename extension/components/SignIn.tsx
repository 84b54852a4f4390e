import { useEffect, useState } from 'preact/hooks';
import type { Me } from '../../shared/members.ts';
import { problemOf } from '../utils/api.ts';
import { t } from '../utils/i18n.ts';
import { parseServerUrl } from '../utils/settings.ts';

export interface SignInDeps {
  /** Runs the server's sign-in window; answers the new token. */
  signIn(serverUrl: string): Promise<string>;
  /** Who a token belongs to. */
  me(serverUrl: string, apiToken: string): Promise<Me>;
  /** Revokes the token on the server. */
  signOut(serverUrl: string, apiToken: string): Promise<void>;
}

export const roleLabel = (role: Me['role']) => (role === 'admin' ? t('roleAdmin') : t('roleMember'));

/**
 * Sign in / Sign out on the options page. `onToken` receives the new token ('' after signing
 * out): the page keeps and saves it.
 */
export function SignIn({ deps, serverUrl, apiToken, onToken }: { deps: SignInDeps; serverUrl: string; apiToken: string; onToken(token: string): Promise<void> }) {
  const [who, setWho] = useState<Me | null>(null);
  const [note, setNote] = useState<{ text: string; kind: 'ok' | 'error' | 'info' } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setWho(null);
    const url = parseServerUrl(serverUrl);
    if (!url.ok || !apiToken) return;
    let live = true;
    deps.me(url.url, apiToken).then((me) => live && setWho(me), () => undefined);
    return () => {
      live = false;
    };
  }, [deps, serverUrl, apiToken]);

  async function act(task: (url: string) => Promise<string>) {
    const url = parseServerUrl(serverUrl);
    if (!url.ok) return setNote({ text: t('signinNeedsServer'), kind: 'error' });
    setBusy(true);
    try {
      setNote({ text: await task(url.url), kind: 'ok' });
    } catch (error) {
      setNote({ text: problemOf(error).message, kind: 'error' });
    } finally {
      setBusy(false);
    }
  }

  const signIn = () =>
    act(async (url) => {
      setNote({ text: t('signinBusy'), kind: 'info' });
      const token = await deps.signIn(url);
      const me = await deps.me(url, token);
      await onToken(token);
      setWho(me);
      return t('signinDone', me.email);
    });
  const signOut = () =>
    act(async (url) => {
      await deps.signOut(url, apiToken);
      await onToken('');
      setWho(null);
      return t('signoutDone');
    });

  return (
    <fieldset class="signin">
      <legend>{t('signinHeading')}</legend>
      {who ? (
        <p>
          {t('signinAs', who.email, roleLabel(who.role))}{' '}
          <button type="button" disabled={busy} onClick={() => void signOut()}>
            {t('signoutButton')}
          </button>
        </p>
      ) : (
        <p>
          <button type="button" class="primary" disabled={busy} onClick={() => void signIn()}>
            {t('signinButton')}
          </button>{' '}
          <span class="muted">{t('signinHint')}</span>
        </p>
      )}
      <p class={`message ${note?.kind ?? ''}`} role="status" aria-live="polite">
        {note?.text}
      </p>
    </fieldset>
  );
}
