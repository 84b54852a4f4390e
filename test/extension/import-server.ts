/**
 * A `fetch` that answers the bulk import routes of design §8 (and `GET /api/status`) from a
 * script, and records every request with its body, for the accounts page's unit tests.
 */
import type { AccountStatus, ImportRowView, ImportUpload, ImportView } from '../../shared/api.ts';
import { statusOf } from './fixtures.ts';

/** An error answer as the server words it. */
export interface Failure {
  status: number;
  code: string;
  message: string;
  field?: string;
}

/** A request the page made; `body` is what was handed to fetch (a File, a JSON string…). */
export interface SeenRequest {
  method: string;
  path: string;
  /** The query string, e.g. `?rows=0` while a run is followed. */
  search: string;
  headers: Record<string, string>;
  body: BodyInit | null | undefined;
}

export interface ImportScript {
  upload?: ImportUpload | Failure;
  run?: ImportView | Failure;
  /** Successive answers to `GET /api/imports/:id`; the last one repeats. `down`: the server cannot be reached. */
  polls?: Array<ImportView | Failure | 'down'>;
  /** What `GET /api/status` lists, read at each request. */
  accounts?: AccountStatus[];
  template?: string;
  report?: string;
  /** `GET /api/imports`: the person's last imports. */
  imports?: ImportView[];
  /** Answers held until the promise settles, to play out a race. */
  hold?: { imports?: Promise<unknown>; upload?: Promise<unknown> };
}

export const TEMPLATE_CSV = 'email,name,owner,smtp_host,smtp_port,smtp_security,smtp_username,smtp_password,imap_host,imap_port,imap_security,imap_username,imap_password\r\n';

export function importServer(script: ImportScript) {
  const requests: SeenRequest[] = [];
  const polls = [...(script.polls ?? [])];

  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    requests.push({ method, path: url.pathname, search: url.search, headers: Object.fromEntries(new Headers(init?.headers).entries()), body: init?.body });
    const route = `${method} ${url.pathname}`;
    if (route === 'GET /api/status') return json(200, statusOf(script.accounts ?? []));
    if (route === 'GET /api/imports') {
      await script.hold?.imports;
      return json(200, { imports: script.imports ?? [] });
    }
    if (route === 'GET /api/imports/template.csv') return csv(script.template ?? TEMPLATE_CSV);
    if (route === 'POST /api/imports') {
      await script.hold?.upload;
      return answer(script.upload, 201);
    }
    if (/^POST \/api\/imports\/[^/]+\/run$/.test(route)) return answer(script.run, 202);
    if (/^GET \/api\/imports\/[^/]+\/report\.csv$/.test(route)) return csv(script.report ?? 'line,email,status,reason\r\n');
    if (/^GET \/api\/imports\/[^/]+$/.test(route)) {
      const next = polls.length > 1 ? polls.shift() : polls[0];
      if (next === 'down') throw new TypeError('Failed to fetch');
      return answer(next, 200);
    }
    return json(404, { error: { code: 'not_found', message: `No route ${route}` } });
  };

  return {
    fetch: fetchImpl as typeof fetch,
    requests,
    /** The requests to one route, e.g. `POST /api/imports/imp_1/run`. */
    to: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path),
  };
}

function answer(reply: object | Failure | undefined, status: number): Response {
  if (!reply) return json(500, { error: { code: 'unscripted', message: 'The test gave no answer for this.' } });
  if (isFailure(reply)) return json(reply.status, { error: { code: reply.code, message: reply.message, ...(reply.field ? { field: reply.field } : {}) } });
  return json(status, reply);
}

function isFailure(reply: object): reply is Failure {
  return 'code' in reply && 'message' in reply && 'status' in reply;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function csv(text: string): Response {
  return new Response(text, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' } });
}

/** The answer to an upload of a small file with the template's columns, some named otherwise. */
export function uploaded(extra: Partial<ImportUpload> = {}): ImportUpload {
  return {
    id: 'imp_1',
    headers: ['E-mail', 'SMTP server', 'SMTP port', 'SMTP user', 'SMTP pass', 'IMAP server', 'IMAP port', 'IMAP pass'],
    suggestedMapping: {
      email: 'E-mail',
      smtp_host: 'SMTP server',
      smtp_port: 'SMTP port',
      smtp_username: 'SMTP user',
      smtp_password: 'SMTP pass',
      imap_host: 'IMAP server',
      imap_port: 'IMAP port',
    },
    preview: [
      { 'E-mail': 'ann@acme.test', 'SMTP server': 'smtp.acme.test', 'SMTP port': '587', 'SMTP user': 'ann', 'SMTP pass': '••••••', 'IMAP server': 'imap.acme.test', 'IMAP port': '993', 'IMAP pass': '' },
      { 'E-mail': 'bob@acme.test', 'SMTP server': 'smtp.acme.test', 'SMTP port': '465', 'SMTP user': 'bob', 'SMTP pass': '••••••', 'IMAP server': 'imap.acme.test', 'IMAP port': '993', 'IMAP pass': '••••••' },
    ],
    total: 500,
    delimiter: ';',
    expiresAt: '2026-11-28T13:00:00.000Z',
    ...extra,
  };
}

/** An import as `GET /api/imports/:id` shows it; counts follow the rows unless given. */
export function importView(extra: Partial<ImportView> & { rows?: ImportRowView[] } = {}): ImportView {
  const rows = extra.rows ?? [];
  const count = (s: ImportRowView['status']) => rows.filter((r) => r.status === s).length;
  return {
    id: 'imp_1',
    state: 'finished',
    total: rows.length,
    done: rows.length,
    counts: { created: count('created'), updated: count('updated'), skipped: count('skipped'), failed: count('failed') },
    updateExisting: false,
    createdAt: '2026-11-28T12:00:00.000Z',
    startedAt: '2026-11-28T12:01:00.000Z',
    finishedAt: extra.state && extra.state !== 'finished' ? null : '2026-11-28T12:02:00.000Z',
    report: { to: 'ann@acme.test', state: 'sent' },
    ...extra,
    rows,
  };
}
