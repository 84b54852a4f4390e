/**
 * The pages outside the API, reached by browsers without a Regrant login: the one-time
 * re-grant start URL, the share-link page and its button, and the OAuth callbacks.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { randomToken } from '../../crypto/index.ts';
import type { Logger } from '../../log/index.ts';
import type { Reauth, Redirect } from '../../reauth/index.ts';
import type { Outcome } from '../../reauth/outcomes.ts';
import { pageHeaders } from '../../reauth/page-layout.ts';
import { connectConfirmPage, outcomePage, sharePage } from '../../reauth/pages.ts';
import { readRepairForm, type RepairAnswer } from '../../reauth/repair.ts';
import { formRefusedPage, repairLockedPage, repairPage } from '../../reauth/repair-pages.ts';
import type { Db } from '../../db/index.ts';
import { pageLimits } from '../abuse-limits.ts';
import { requestCutOff } from '../errors.ts';

/** A repair link's form holds a password or two: anything much larger is not that form. */
const FORM_BYTES = 16 * 1024;

/** Binds a sign-in to the browser that began it: the callback must come back with it. */
const BROWSER_COOKIE = 'regrant_browser';

export interface PageDeps {
  /** Where the pages' rate limits are counted. */
  db: Db;
  reauth: Reauth;
  workspaceName: string;
  publicUrl: string;
  /** Consent-screen origins the share page's form may lead to (CSP form-action). */
  consentOrigins: string[];
  logger: Logger;
}

export function reauthPages({ db, reauth, workspaceName, publicUrl, consentOrigins, logger }: PageDeps) {
  const headers = pageHeaders(consentOrigins);
  const secure = publicUrl.startsWith('https:');
  // On https the __Host- prefix pins the cookie to this origin (no Domain, Path=/, Secure).
  const cookieName = secure ? `__Host-${BROWSER_COOKIE}` : BROWSER_COOKIE;

  /** The browser's id, set again on every start so it outlives the sign-in under way. */
  function browserId(c: Context): string {
    const existing = getCookie(c, cookieName);
    const id = existing && /^b_[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomToken('b');
    // Lax: the provider's redirect back to the callback is a top-level navigation from its site.
    setCookie(c, cookieName, id, { path: '/', httpOnly: true, sameSite: 'Lax', secure, maxAge: 86_400 });
    return id;
  }

  const render = (c: Context, outcome: Outcome) => {
    const { status, body } = outcomePage(outcome, workspaceName);
    return c.html(body, status, headers);
  };
  const follow = (c: Context, result: Redirect | Outcome) => {
    if ('redirect' in result) {
      for (const [k, v] of Object.entries(headers)) c.header(k, v);
      // 303 after the share page's POST, so the browser GETs the consent screen.
      return c.redirect(result.redirect, c.req.method === 'POST' ? 303 : 302);
    }
    return render(c, result);
  };

  const answerRepair = (c: Context, token: string, answer: RepairAnswer) => {
    if (answer.kind === 'repair_form') return c.html(repairPage(answer.view, token, answer), answer.status, headers);
    if (answer.kind === 'repair_locked') return c.html(repairLockedPage(answer), 403, headers);
    return render(c, answer);
  };
  /** A repair link's fields; a body that is no form reads as one without them. */
  const repairForm = async (c: Context) => readRepairForm(await c.req.parseBody().catch(() => ({})));
  const formLimit = bodyLimit({ maxSize: FORM_BYTES, onError: (c) => c.html(formRefusedPage(`The form sent was larger than ${FORM_BYTES / 1024} KiB: a password is far shorter. Nothing was changed. Go back and type the password again.`), 413, headers) });

  const limits = pageLimits(db, (c) => render(c, { kind: 'rate_limited' }));
  const pages = new Hono();
  // A page never answers with JSON or a stack: something unexpected still gets a page, and
  // the log names the route, not the path with its token.
  pages.onError((error, c) => {
    const route = `${c.req.method} ${c.req.routePath}`;
    if (requestCutOff(c)) logger.info('http.client_gone', { route });
    else logger.error('page.unexpected', { route, error });
    return c.html(outcomePage({ kind: 'unexpected' }, workspaceName).body, 500, headers);
  });
  return pages
    .use('/r/*', limits.shareAddress)
    .use('/r/:token', limits.shareLink)
    .use('/oauth/*', limits.oauthAddress)
    // A connect URL first says who will hold the mailbox (reads only); its button POSTs.
    .get('/oauth/start/:token', async (c) => {
      const token = c.req.param('token');
      const confirm = await reauth.connectConfirm(token);
      if (confirm === null) return follow(c, await reauth.start(token, browserId(c)));
      if ('kind' in confirm) return render(c, confirm);
      return c.html(connectConfirmPage(confirm, token), 200, headers);
    })
    .post('/oauth/start/:token', async (c) => follow(c, await reauth.start(c.req.param('token'), browserId(c))))
    .get('/oauth/:provider/callback', async (c) => render(c, await reauth.callback(c.req.param('provider'), c.req.query(), getCookie(c, cookieName))))
    // Safe: chat apps fetch pasted links to build previews, so showing the page changes nothing.
    .get('/r/:token', async (c) => {
      const token = c.req.param('token');
      const view = await reauth.sharePage(token);
      if ('kind' in view) return render(c, view);
      if ('repair' in view) return c.html(repairPage(view, token), 200, headers);
      return c.html(sharePage(view, token), 200, headers);
    })
    // A custom mailbox's repair link takes the new password; any other starts the re-grant.
    .post('/r/:token', formLimit, async (c) => {
      const token = c.req.param('token');
      const repaired = await reauth.repair(token, () => repairForm(c));
      if (repaired) return answerRepair(c, token, repaired);
      return follow(c, await reauth.shareStart(token, browserId(c)));
    });
}
