import { Hono } from 'hono';
import type { Accounts } from '../../accounts/index.ts';
import { statusEtag } from '../../auth/status-version.ts';
import { DomainError } from '../../errors.ts';
import type { AuthEnv } from '../auth.ts';

/** The ETag of a user's status answer, marked while the server is degraded so a poll sees it turn on and off. */
export function currentStatusEtag(user: { id: string; status_version: number }, degraded: boolean): string {
  const etag = statusEtag(user);
  return degraded ? etag.replace(/"$/, '-degraded"') : etag;
}

/** Whether `If-None-Match` names `etag` (weak or strong, in a list or alone). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  return ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * GET /api/status, and `?since=VERSION` for what changed since. The ETag comes from the user
 * row the auth step already read, so a 304 costs one indexed lookup and reads no account;
 * `serverDegraded` (read every few seconds at most) is part of it, so a poll sees it turn on and off;
 * while it is on, admins also get `ownEmailsRefused` when the NOTIFY_SMTP_URL server refuses Regrant.
 */
export function statusRoutes(accounts: Accounts, serverDegraded: () => Promise<boolean> = async () => false, ownEmailsRefused: () => Promise<{ replyCode: string | null } | null> = async () => null) {
  return new Hono<AuthEnv>().get('/', async (c) => {
    const degraded = await serverDegraded();
    const etag = currentStatusEtag(c.var.user, degraded);
    c.header('ETag', etag);
    c.header('Cache-Control', 'private, no-cache');
    if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
    const since = c.req.query('since');
    if (since !== undefined && !/^\d{1,15}$/.test(since)) throw new DomainError('invalid_input', 'since must be a version a status answer gave (a whole number)', 'since');
    // "Regrant cannot send its own emails" is for admins, who can fix it; only read while degraded.
    const refused = degraded && c.var.user.role === 'admin' ? await ownEmailsRefused() : null;
    return c.json({ ...(await accounts.status(c.var.user, since === undefined ? null : Number(since))), serverDegraded: degraded, ...(refused ? { ownEmailsRefused: refused } : {}) });
  });
}
