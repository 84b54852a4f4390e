/**
 * Gmail's side of sending and reading: `users.messages.send` with the raw MIME message
 * (base64url), and new inbox mail through `users.history.list` after a historyId, or
 * `users.messages.list` when there is no historyId yet or Gmail no longer has it (404).
 *
 * @example const session = await gmailSender(config, mailbox, ctx);
 */
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import type { GoogleConfig } from '../../config/index.ts';
import { ProviderFailure } from '../failure.ts';
import { providerError } from '../http-error.ts';
import type { CheckContext, MailboxCredentials, MailPosition, ScanRequest, SendSession } from '../types.ts';
import { refreshedClient } from './client.ts';

/** A Gmail client whose token was just refreshed: a refusal is the grant's, not the API's. */
async function signedIn(config: GoogleConfig, mailbox: MailboxCredentials, ctx: CheckContext): Promise<gmail_v1.Gmail> {
  return gmail({ version: 'v1', auth: await refreshedClient(config, mailbox, ctx), rootUrl: config.apiUrl });
}

/** A later refresh inside an API call fails at the token endpoint: judge it as such. */
function apiFailure(config: GoogleConfig, error: unknown, signal: AbortSignal): ProviderFailure {
  const url = String((error as { config?: { url?: unknown } } | null)?.config?.url ?? '');
  return new ProviderFailure({ source: url.startsWith(config.tokenUrl) ? 'google_token' : 'gmail_api', error: providerError(error, signal) });
}

export async function gmailSender(config: GoogleConfig, mailbox: MailboxCredentials, ctx: CheckContext): Promise<SendSession> {
  const api = await signedIn(config, mailbox, ctx);
  return {
    async send(mail) {
      try {
        await api.users.messages.send({ userId: 'me', requestBody: { raw: mail.raw.toString('base64url') } }, { signal: ctx.signal });
      } catch (error) {
        throw apiFailure(config, error, ctx.signal);
      }
    },
    close() {},
  };
}

export async function gmailScan(config: GoogleConfig, mailbox: MailboxCredentials, request: ScanRequest, ctx: CheckContext): Promise<MailPosition> {
  const api = await signedIn(config, mailbox, ctx);
  const call = async <T>(step: () => Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (error) {
      throw apiFailure(config, error, ctx.signal);
    }
  };
  const deliver = async (id: string) => {
    const found = await call(() => api.users.messages.get({ userId: 'me', id, format: 'raw' }, { signal: ctx.signal })).catch((error: ProviderFailure) => {
      // Listed in history, then deleted for good before we read it: nothing to read, go on.
      if ((error.failure.error as { status?: number }).status === 404) return null;
      throw error;
    });
    if (found?.data.raw) await request.onMail(Buffer.from(found.data.raw, 'base64url'));
  };

  const start = request.position?.historyId ? String(request.position.historyId) : null;
  if (start) {
    const added: string[] = [];
    let latest = start;
    let pageToken: string | undefined;
    let expired = false;
    do {
      const page = await call(() =>
        api.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['messageAdded'], labelId: 'INBOX', pageToken }, { signal: ctx.signal }),
      ).catch((error: ProviderFailure) => {
        // Gmail keeps history for about a week: an older historyId answers 404.
        if ((error.failure.error as { status?: number }).status === 404) return null;
        throw error;
      });
      if (!page) {
        expired = true;
        break;
      }
      for (const h of page.data.history ?? []) for (const m of h.messagesAdded ?? []) if (m.message?.id) added.push(m.message.id);
      if (page.data.historyId) latest = page.data.historyId;
      pageToken = page.data.nextPageToken ?? undefined;
    } while (pageToken);
    if (!expired) {
      for (const id of [...new Set(added)]) await deliver(id);
      return { historyId: latest };
    }
  }

  // No usable bookmark: note where history stands now, then read the inbox since the date.
  const { data: profile } = await call(() => api.users.getProfile({ userId: 'me' }, { signal: ctx.signal }));
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const { data } = await call(() =>
      api.users.messages.list({ userId: 'me', labelIds: ['INBOX'], q: `after:${Math.floor(request.since.getTime() / 1000)}`, pageToken, maxResults: 500 }, { signal: ctx.signal }),
    );
    for (const m of data.messages ?? []) if (m.id) ids.push(m.id);
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  // The list is newest first; replies and bounces are recorded in the order they arrived.
  for (const id of ids.reverse()) await deliver(id);
  return { historyId: profile.historyId ?? start ?? '0' };
}
