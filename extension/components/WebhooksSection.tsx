import { useCallback, useEffect, useState } from 'preact/hooks';
import { WEBHOOK_FORMATS, type WebhookDeliveryView, type WebhookFormat, type WebhookView } from '../../shared/api.ts';
import { problemOf, type Api } from '../utils/api.ts';
import { t, uiLanguage } from '../utils/i18n.ts';
import { useAction } from './use-action.ts';

const FORMAT_KEY: Record<WebhookFormat, string> = { standard: 'webhooksFormatStandard', slack: 'webhooksFormatSlack', teams: 'webhooksFormatTeams' };

/** "hooks.slack.com/services/…": enough to tell webhooks apart without showing a secret path whole. */
function shortUrl(url: string): string {
  const { host, pathname } = new URL(url);
  return pathname.length > 24 ? `${host}${pathname.slice(0, 22)}…` : `${host}${pathname}`;
}

const when = (iso: string) => new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));

/**
 * The accounts page's Webhooks: add one (URL and format; a `standard` one's signing secret is
 * shown once), and for each: send a test, see the last deliveries, remove.
 */
export function WebhooksSection({ deps }: { deps: { api(): Promise<Api> } }) {
  const [hooks, setHooks] = useState<WebhookView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<WebhookFormat>('slack');
  const [secret, setSecret] = useState<string | null>(null);
  const add = useAction();

  const load = useCallback(async () => {
    try {
      setHooks(await (await deps.api()).webhooks());
      setLoadError(null);
    } catch (e) {
      setLoadError(problemOf(e).message);
    }
  }, [deps]);

  useEffect(() => {
    void load();
  }, [load]);

  const submit = (e: Event) => {
    e.preventDefault();
    setSecret(null);
    void add.run(async () => {
      const created = await (await deps.api()).addWebhook({ url: url.trim(), format });
      setSecret(created.secret ?? null);
      setUrl('');
      await load();
      return t('webhooksAdded');
    });
  };

  return (
    <section class="webhooks" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{t('webhooksTitle')}</h2>
      <p class="muted">{t('webhooksIntro')}</p>
      {loadError && (
        <p class="banner error" role="alert">
          {loadError}
        </p>
      )}
      {hooks === null && !loadError && <p class="muted">{t('webhooksLoading')}</p>}
      {hooks && hooks.length === 0 && <p class="muted">{t('webhooksNone')}</p>}
      {hooks && hooks.length > 0 && (
        <ul class="webhook-list">
          {hooks.map((hook) => (
            <WebhookItem key={hook.id} hook={hook} deps={deps} onRemoved={load} />
          ))}
        </ul>
      )}
      <form class="webhook-add" onSubmit={submit}>
        <label>
          {t('webhooksUrl')}
          <input type="url" required placeholder="https://hooks.slack.com/services/…" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
        </label>
        <label>
          {t('webhooksFormat')}
          <select value={format} onChange={(e) => setFormat(e.currentTarget.value as WebhookFormat)}>
            {WEBHOOK_FORMATS.map((f) => (
              <option key={f} value={f}>
                {t(FORMAT_KEY[f])}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={add.busy}>
          {t('webhooksAdd')}
        </button>
        <p role="status" class={add.error ? 'result error' : 'result ok'}>
          {add.error ?? add.done}
        </p>
        {secret && (
          <p class="webhook-secret">
            {t('webhooksSecret')} <code>{secret}</code>
          </p>
        )}
      </form>
    </section>
  );
}

function WebhookItem({ hook, deps, onRemoved }: { hook: WebhookView; deps: { api(): Promise<Api> }; onRemoved: () => Promise<void> }) {
  const [deliveries, setDeliveries] = useState<WebhookDeliveryView[] | null>(null);
  const action = useAction();

  const showDeliveries = () =>
    action.run(async () => {
      setDeliveries(deliveries ? null : await (await deps.api()).webhookDeliveries(hook.id));
    });
  const test = () =>
    action.run(async () => {
      const api = await deps.api();
      const answer = await api.testWebhook(hook.id);
      if (deliveries) setDeliveries(await api.webhookDeliveries(hook.id));
      if (!answer.ok) throw new Error(t('webhooksTestFailed', answer.error ?? ''));
      return t('webhooksTestOk', answer.responseStatus ?? '');
    });
  const remove = () =>
    action.run(async () => {
      await (await deps.api()).removeWebhook(hook.id);
      await onRemoved();
    });

  return (
    <li class="webhook">
      <span class="webhook-url">{shortUrl(hook.url)}</span>
      <span class="muted">
        {t(FORMAT_KEY[hook.format])} · {t('webhooksOwner', hook.owner.email)}
      </span>
      <span class="buttons">
        <button type="button" disabled={action.busy} onClick={test}>
          {t('webhooksTest')}
        </button>
        <button type="button" disabled={action.busy} aria-expanded={deliveries !== null} onClick={showDeliveries}>
          {deliveries ? t('webhooksHideDeliveries') : t('webhooksShowDeliveries')}
        </button>
        <button type="button" disabled={action.busy} aria-label={t('webhooksRemoveLabel', shortUrl(hook.url))} onClick={remove}>
          {t('webhooksRemove')}
        </button>
      </span>
      <p role="status" class={action.error ? 'result error' : 'result ok'}>
        {action.error ?? action.done}
      </p>
      {deliveries && deliveries.length === 0 && <p class="muted">{t('webhooksNoDeliveries')}</p>}
      {deliveries && deliveries.length > 0 && (
        <ul class="deliveries">
          {deliveries.map((d) => (
            <li key={d.id} class={d.status === 'failed' ? 'error' : undefined}>
              {t('webhooksDelivery', d.event, t(`webhooksStatus_${d.status}`), d.attempt, when(d.at))}
              {d.error && <span class="muted"> · {d.error}</span>}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
