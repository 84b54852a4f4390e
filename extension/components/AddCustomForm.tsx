import { useState } from 'preact/hooks';
import { MAILBOX_KIND_LABEL, type AccountView } from '../../shared/api.ts';
import { createAccountSchema } from '../../shared/schemas.ts';
import { problemOf, type Api } from '../utils/api.ts';
import { t } from '../utils/i18n.ts';
import { presetFor, type ServerPreset } from '../utils/mail-presets.ts';
import { ServerFields, SubmitAndResult, fieldLabel, type ServerFieldValues } from './ServerFields.tsx';

const blank = (port: number, security: string): ServerFieldValues => ({ host: '', port: String(port), security, username: '', password: '' });

/**
 * A custom SMTP/IMAP mailbox, added only once both sign-ins pass (the server tests them
 * before it saves anything). The known settings of big providers are filled in from the
 * address's domain; the IMAP username and password default to the SMTP ones.
 */
export function AddCustomForm({ api, onAdded }: { api(): Promise<Api>; onAdded(account: AccountView): Promise<void> }) {
  const [email, setEmail] = useState('');
  const [smtp, setSmtp] = useState(blank(587, 'starttls'));
  const [imap, setImap] = useState(blank(993, 'tls'));
  const [filledFor, setFilledFor] = useState<string | null>(null);
  const [result, setResult] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const preset = presetFor(email);

  function onEmail(value: string) {
    setEmail(value);
    const found = presetFor(value);
    const domain = value.split('@')[1]?.toLowerCase() ?? '';
    if (found?.kind !== 'settings' || domain === filledFor) return;
    const fill = (v: ServerFieldValues, p: ServerPreset) => ({ ...v, host: p.host, port: String(p.port), security: p.security });
    setSmtp((v) => fill(v, found.smtp));
    setImap((v) => fill(v, found.imap));
    setFilledFor(domain);
  }

  async function submit(e: Event) {
    e.preventDefault();
    const side = (v: ServerFieldValues, fallback: ServerFieldValues) => ({ ...v, username: v.username || fallback.username || email.trim(), password: v.password || fallback.password });
    const parsed = createAccountSchema.safeParse({ email, smtp: side(smtp, smtp), imap: side(imap, smtp) });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const [where, field] = issue.path.map(String);
      const label = where === 'email' ? t('addCustomEmail') : `${where === 'smtp' ? 'SMTP' : 'IMAP'} ${fieldLabel(field ?? '')}`;
      setResult({ tone: 'error', text: t('settingsFormFieldProblem', label, issue.message) });
      return;
    }
    setBusy(true);
    setResult({ tone: 'ok', text: t('addCustomTesting') });
    try {
      const added = await (await api()).createAccount(parsed.data);
      setResult({ tone: 'ok', text: t('addCustomAdded', added.email) });
      await onAdded(added);
    } catch (error) {
      // Nothing was saved: what was typed stays for the next try.
      setResult({ tone: 'error', text: problemOf(error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="add-custom" onSubmit={submit} aria-label={t('addCustomTitle')}>
      <h3>{t('addCustomTitle')}</h3>
      <div class="settings">
        <label for="add-email">{t('addCustomEmail')}</label>
        <input id="add-email" type="email" autoComplete="off" value={email} onInput={(e) => onEmail(e.currentTarget.value)} />
        {preset?.kind === 'oauth' && (
          <p class="hint warn">{t('addCustomUseOAuth', MAILBOX_KIND_LABEL[preset.provider])}</p>
        )}
        {preset?.kind === 'settings' && <p class="hint muted">{t('addCustomFilledIn')}</p>}
      </div>
      <div class="forms">
        <fieldset class="settings">
          <legend>{t('settingsFormSendingTitle')}</legend>
          <ServerFields idPrefix="add-smtp" values={smtp} onChange={setSmtp} passwordPlaceholder="" />
        </fieldset>
        <fieldset class="settings">
          <legend>{t('settingsFormReceivingTitle')}</legend>
          <ServerFields idPrefix="add-imap" values={imap} onChange={setImap} passwordPlaceholder={t('addCustomSameAsSmtp')} />
        </fieldset>
      </div>
      <SubmitAndResult label={t('addCustomSubmit')} busy={busy} result={result} />
    </form>
  );
}
