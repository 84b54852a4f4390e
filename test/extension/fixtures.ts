/** Status answers and a scripted `fetch` for the extension's unit tests. */
import type { AccountState, AccountStatus, ProviderKind, StatusResponse } from '../../shared/api.ts';

let n = 0;
export function account(email: string, state: AccountState, provider: ProviderKind = 'google', extra: Partial<AccountStatus> = {}): AccountStatus {
  n += 1;
  return {
    id: `acc_${email.split('@')[0]}`,
    email,
    provider,
    state,
    reason: state === 'needs_reauth' ? { code: 'grant_revoked', message: 'Google says the access was revoked or has expired.' } : state === 'unreachable' ? { code: 'network', message: 'The server did not answer.' } : null,
    lastCheckedAt: '2026-11-28T09:00:00.000Z',
    stateChangedAt: `2026-11-28T0${n % 9}:00:00.000Z`,
    pendingEmails: 0,
    trouble: null,
    ...extra,
  };
}

export function statusOf(accounts: AccountStatus[]): StatusResponse {
  const count = (s: AccountState) => accounts.filter((a) => a.state === s).length;
  return { counts: { total: accounts.length, connected: count('connected'), needsReauth: count('needs_reauth'), unreachable: count('unreachable') }, accounts };
}

export type Reply = { status: number; body?: unknown; etag?: string; contentType?: string } | Error;

/** A `fetch` that answers from a script and records each request. */
export function scriptedFetch(replies: Reply[]) {
  const requests: Array<{ url: string; method: string; headers: Record<string, string> }> = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    requests.push({ url: String(input), method: init?.method ?? 'GET', headers: Object.fromEntries(new Headers(init?.headers).entries()) });
    const reply = replies.shift() ?? new Error('no more scripted replies');
    if (reply instanceof Error) throw new TypeError('Failed to fetch');
    const headers: Record<string, string> = {};
    if (reply.etag) headers.etag = reply.etag;
    if (reply.body !== undefined) headers['content-type'] = reply.contentType ?? 'application/json';
    const body = reply.body === undefined ? null : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(reply.status === 304 ? null : body, { status: reply.status, headers });
  };
  return { fetch: fn as typeof fetch, requests };
}
