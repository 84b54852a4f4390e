/**
 * The Gmail mailbox part of the Google fake: `users.messages.send` (raw MIME, base64url),
 * `users.messages.list` / `get` (format=raw) and `users.history.list`, with Google's answers
 * and error bodies. Every change to a mailbox takes the next historyId, as Gmail's do; history
 * older than `expireHistory` answers 404 as Gmail does after about a week.
 *
 * @example
 *   const mail = gmailMailboxes(app, { store, state, now });
 *   mail.deliver('ann@acme.test', rawMime);  // lands in INBOX
 *   mail.sent('ann@acme.test');              // what users.messages.send accepted, in order
 */
import type { Context, Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import type { FakeEnv, FakeState } from './fake-state.ts';
import { normalizeEmail } from './fake-state.ts';
import { GMAIL_ERRORS, googleJson } from './google-errors.ts';
import type { GrantStore } from './grants.ts';

export interface GmailMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  raw: Buffer;
  historyId: number;
  internalDate: number;
  /** Deleted for good: gone from list and get, still named by the history that added it. */
  deleted?: boolean;
}

const SEND_SCOPES = ['https://mail.google.com/', 'https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/gmail.compose', 'https://www.googleapis.com/auth/gmail.send'];
const READ_SCOPES = ['https://mail.google.com/', 'https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/gmail.readonly'];

const notFound = () =>
  googleJson(404, { error: { code: 404, message: 'Requested entity was not found.', errors: [{ message: 'Requested entity was not found.', domain: 'global', reason: 'notFound' }], status: 'NOT_FOUND' } });
const invalid = (message: string) =>
  googleJson(400, { error: { code: 400, message, errors: [{ message, domain: 'global', reason: 'invalidArgument' }], status: 'INVALID_ARGUMENT' } });

export function gmailMailboxes<Mode extends string>(app: Hono<FakeEnv>, deps: { store: GrantStore; state: FakeState<Mode>; now: () => number }) {
  const boxes = new Map<string, GmailMessage[]>();
  const expiredBefore = new Map<string, number>();
  let historyId = 1;
  const box = (email: string) => boxes.get(email) ?? boxes.set(email, []).get(email)!;
  const newId = () => randomBytes(8).toString('hex');

  /** The mailbox the bearer token opens, or the error answer. */
  async function authorize(c: Context<FakeEnv>, scopes: string[], method: string): Promise<string | Response> {
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim() ?? null;
    if (!token) return GMAIL_ERRORS.missingCredentials();
    const access = deps.store.activeAccess(token);
    const email = deps.store.findAccess(token)?.email;
    if (email) c.set('email', email);
    const failure = deps.state.failureOf(email) as { mode: string } | undefined;
    await deps.state.delayIfSlow(email);
    if (!access || failure?.mode === 'api_unauthorized') return GMAIL_ERRORS.invalidCredentials();
    if (failure?.mode === 'domain_policy') return GMAIL_ERRORS.domainPolicy();
    if (failure?.mode === 'insufficient_scope' || !access.scopes.some((s) => scopes.includes(s))) return GMAIL_ERRORS.insufficientScope(method, scopes);
    const userId = c.req.param('userId') ?? 'me';
    if (userId !== 'me' && normalizeEmail(userId) !== access.email) return GMAIL_ERRORS.delegationDenied(userId);
    return access.email;
  }

  const summary = (m: GmailMessage) => ({ id: m.id, threadId: m.threadId });

  app.post('/gmail/v1/users/:userId/messages/send', async (c) => {
    const email = await authorize(c, SEND_SCOPES, 'caribou.api.proto.MailboxService.SendMessage');
    if (email instanceof Response) return email;
    const body = (await c.req.json().catch(() => null)) as { raw?: unknown } | null;
    if (!body || typeof body.raw !== 'string' || body.raw === '') return invalid("'raw' RFC822 payload message string or uploading message via /upload/* URL required");
    const raw = Buffer.from(body.raw, 'base64url');
    if (!/^to:/im.test(raw.toString('utf8').split(/\r?\n\r?\n/)[0])) return invalid('Invalid To header');
    const id = newId();
    const message: GmailMessage = { id, threadId: id, labelIds: ['SENT'], raw, historyId: ++historyId, internalDate: deps.now() };
    box(email).push(message);
    return googleJson(200, { id, threadId: id, labelIds: message.labelIds });
  });

  app.get('/gmail/v1/users/:userId/messages', async (c) => {
    const email = await authorize(c, READ_SCOPES, 'caribou.api.proto.MailboxService.ListMessages');
    if (email instanceof Response) return email;
    const q = new URL(c.req.url).searchParams;
    const labels = q.getAll('labelIds');
    const after = /after:(\d+)/.exec(q.get('q') ?? '')?.[1];
    const max = Math.min(Number(q.get('maxResults') ?? 100), 500);
    const offset = Number(q.get('pageToken') ?? 0);
    const matching = box(email)
      .filter((m) => !m.deleted && labels.every((l) => m.labelIds.includes(l)) && (!after || m.internalDate > Number(after) * 1000))
      .reverse();
    const page = matching.slice(offset, offset + max);
    return googleJson(200, {
      ...(page.length ? { messages: page.map(summary) } : {}),
      ...(offset + max < matching.length ? { nextPageToken: String(offset + max) } : {}),
      resultSizeEstimate: page.length,
    });
  });

  app.get('/gmail/v1/users/:userId/messages/:id', async (c) => {
    const email = await authorize(c, READ_SCOPES, 'caribou.api.proto.MailboxService.GetMessage');
    if (email instanceof Response) return email;
    const m = box(email).find((x) => x.id === c.req.param('id'));
    if (!m || m.deleted) return notFound();
    const format = new URL(c.req.url).searchParams.get('format');
    return googleJson(200, {
      ...summary(m),
      labelIds: m.labelIds,
      snippet: '',
      sizeEstimate: m.raw.length,
      historyId: String(m.historyId),
      internalDate: String(m.internalDate),
      ...(format === 'raw' ? { raw: m.raw.toString('base64url') } : {}),
    });
  });

  app.get('/gmail/v1/users/:userId/history', async (c) => {
    const email = await authorize(c, READ_SCOPES, 'caribou.api.proto.MailboxService.ListHistory');
    if (email instanceof Response) return email;
    const q = new URL(c.req.url).searchParams;
    const start = Number(q.get('startHistoryId'));
    if (!q.get('startHistoryId') || !Number.isFinite(start)) return invalid('Invalid startHistoryId');
    if (start < (expiredBefore.get(email) ?? 0)) return notFound();
    const label = q.get('labelId');
    const max = Math.min(Number(q.get('maxResults') ?? 100), 500);
    const offset = Number(q.get('pageToken') ?? 0);
    const added = box(email).filter((m) => m.historyId > start && (!label || m.labelIds.includes(label)));
    const page = added.slice(offset, offset + max);
    return googleJson(200, {
      ...(page.length ? { history: page.map((m) => ({ id: String(m.historyId), messages: [summary(m)], messagesAdded: [{ message: { ...summary(m), labelIds: m.labelIds } }] })) } : {}),
      ...(offset + max < added.length ? { nextPageToken: String(offset + max) } : {}),
      historyId: String(historyId),
    });
  });

  return {
    /** The mailbox's current historyId (users.getProfile answers it). */
    historyId: () => String(historyId),
    /** Puts a message into the mailbox's INBOX, as if it had arrived from outside. */
    deliver(email: string, raw: string | Buffer): string {
      const id = newId();
      box(normalizeEmail(email)).push({ id, threadId: id, labelIds: ['INBOX', 'UNREAD'], raw: Buffer.from(raw), historyId: ++historyId, internalDate: deps.now() });
      return id;
    },
    /** Deletes a message for good (emptied from Trash): messages.get answers 404 for it. */
    deleteForever(email: string, id: string): void {
      const m = box(normalizeEmail(email)).find((x) => x.id === id);
      if (m) m.deleted = true;
    },
    /** What users.messages.send accepted for the mailbox, in order, with when. */
    sent(email: string): Array<{ raw: string; at: number }> {
      return box(normalizeEmail(email))
        .filter((m) => m.labelIds.includes('SENT'))
        .map((m) => ({ raw: m.raw.toString('utf8'), at: m.internalDate }));
    },
    /** Gmail forgets history older than now: a startHistoryId before it answers 404. */
    expireHistory(email: string): void {
      expiredBefore.set(normalizeEmail(email), historyId + 1);
    },
  };
}

export type GmailMailboxes = ReturnType<typeof gmailMailboxes>;
