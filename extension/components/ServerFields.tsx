import { SECURITY_MODES } from '../../shared/api.ts';
import { t } from '../utils/i18n.ts';

/** What a person types for one server; the port as typed (the shared schema checks it). */
export interface ServerFieldValues {
  host: string;
  port: string;
  security: string;
  username: string;
  password: string;
}

const SECURITY_KEY = { tls: 'serverFieldsSecurityTls', starttls: 'serverFieldsSecurityStarttls', none: 'serverFieldsSecurityNone' } as const;

/** The labels of the fields, for messages that name one: "Port: must be a whole number…". */
export const fieldLabel = (field: string): string =>
  ({ host: t('serverFieldsHost'), port: t('serverFieldsPort'), security: t('serverFieldsSecurity'), username: t('serverFieldsUsername'), password: t('serverFieldsPassword') })[field] ?? field;

/**
 * The fields of one SMTP or IMAP server (server, port, security, username, password), for the
 * settings forms of a mailbox and for adding one. `idPrefix` keeps two of them on one page apart.
 */
export function ServerFields({ idPrefix, values, onChange, passwordPlaceholder = '' }: { idPrefix: string; values: ServerFieldValues; onChange(values: ServerFieldValues): void; passwordPlaceholder?: string }) {
  const id = (name: string) => `${idPrefix}-${name}`;
  const set = (key: keyof ServerFieldValues) => (e: { currentTarget: { value: string } }) => onChange({ ...values, [key]: e.currentTarget.value });
  return (
    <>
      <label for={id('host')}>{t('serverFieldsHost')}</label>
      <input id={id('host')} value={values.host} onInput={set('host')} />
      <label for={id('port')}>{t('serverFieldsPort')}</label>
      <input id={id('port')} inputMode="numeric" value={values.port} onInput={set('port')} />
      <label for={id('security')}>{t('serverFieldsSecurity')}</label>
      <select id={id('security')} value={values.security} onChange={set('security')}>
        {SECURITY_MODES.map((m) => (
          <option value={m}>{t(SECURITY_KEY[m])}</option>
        ))}
      </select>
      <label for={id('username')}>{t('serverFieldsUsername')}</label>
      <input id={id('username')} autoComplete="off" value={values.username} onInput={set('username')} />
      <label for={id('password')}>{t('serverFieldsPassword')}</label>
      <input id={id('password')} type="password" autoComplete="new-password" placeholder={passwordPlaceholder} value={values.password} onInput={set('password')} />
    </>
  );
}

/** A settings form's button, and the line below it that says how its test went. */
export function SubmitAndResult({ label, busy, result }: { label: string; busy: boolean; result: { tone: string; text: string } | null }) {
  return (
    <>
      <div class="buttons">
        <button class="primary" type="submit" disabled={busy}>
          {label}
        </button>
      </div>
      <p class={`result ${result?.tone ?? ''}`} role="status" aria-live="polite">
        {result?.text}
      </p>
    </>
  );
}
