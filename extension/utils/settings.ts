/**
 * What the person configured on the options page, kept in `storage.local`.
 *
 * @example
 *   const { serverUrl, apiToken } = await loadSettings();
 */
import { storage } from 'wxt/utils/storage';
import { t } from './i18n.ts';

export const POLL_SECONDS = { min: 30, max: 600, default: 60 } as const;

export const serverUrlItem = storage.defineItem<string>('local:serverUrl', { fallback: '' });
export const apiTokenItem = storage.defineItem<string>('local:apiToken', { fallback: '' });
export const pollSecondsItem = storage.defineItem<number>('local:pollSeconds', { fallback: POLL_SECONDS.default });

export interface Settings {
  serverUrl: string;
  apiToken: string;
  pollSeconds: number;
}

export async function loadSettings(): Promise<Settings> {
  const [serverUrl, apiToken, pollSeconds] = await Promise.all([serverUrlItem.getValue(), apiTokenItem.getValue(), pollSecondsItem.getValue()]);
  return { serverUrl, apiToken, pollSeconds: clampPollSeconds(pollSeconds) };
}

export async function saveSettings(settings: Settings): Promise<void> {
  await Promise.all([
    serverUrlItem.setValue(settings.serverUrl),
    apiTokenItem.setValue(settings.apiToken),
    pollSecondsItem.setValue(clampPollSeconds(settings.pollSeconds)),
  ]);
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export const isConfigured = (s: Settings) => s.serverUrl !== '' && s.apiToken !== '';

export function clampPollSeconds(seconds: number): number {
  if (!Number.isFinite(seconds)) return POLL_SECONDS.default;
  return Math.min(POLL_SECONDS.max, Math.max(POLL_SECONDS.min, Math.round(seconds)));
}

/**
 * The server URL as typed, made canonical: `regrant.acme.test/` → error, `https://x/` → `https://x`.
 * Answers a message for the person when it cannot be used.
 */
export function parseServerUrl(input: string): { ok: true; url: string } | { ok: false; message: string } {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, message: t('settings_enterAddress') };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, message: t('settings_notAddress', trimmed) };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, message: t('settings_wrongScheme') };
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    return { ok: false, message: t('settings_useHttps', url.host) };
  }
  if (url.search || url.hash) return { ok: false, message: t('settings_noQuery') };
  return { ok: true, url: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}
