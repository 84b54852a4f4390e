/**
 * The sign-in window's pages (`GET /login` and its forms, the providers' callbacks) and
 * `POST /login/token`, where the extension trades its one-time code for an API token. A
 * refusal is a page that says why; the token route answers the API's JSON errors, with CORS
 * for the extension's pages.
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { tokenRequestSchema } from '../../../shared/members.ts';
import type { Db } from '../../db/index.ts';
import type { Logger } from '../../log/index.ts';
import { pageHeaders } from '../../reauth/page-layout.ts';
import { SigninRefused, type Signin } from '../../signin/index.ts';
import { codePage, loginPage, refusalStatus, refusedPage } from '../../signin/pages.ts';
import { jsonBody, limitBody } from '../body.ts';
import { EXTENSION_ORIGIN } from '../app.ts';
import { extensionCors } from '../cors.ts';
import { requestCutOff } from '../errors.ts';
import { signinLimits } from '../signin-limits.ts';

/** Binds the sign-in window to its attempt. */
const COOKIE = 'regrant_signin';
const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email());

export function loginRoutes({ db, signin, workspaceName, publicUrl, logger }: { db: Db; signin: Signin; workspaceName: string; publicUrl: string; logger: Logger }) {
  const headers = pageHeaders(signin.origins());
  const secure = publicUrl.startsWith('https:');
  const cookieName = secure ? `__Host-${COOKIE}` : COOKIE;
  const refused = (c: Context, r: SigninRefused) => c.html(refusedPage(r), refusalStatus(r), headers);
  const limits = signinLimits(db, (c) => refused(c, new SigninRefused('rate_limited', 'Too many sign-in requests from here, or codes for this address. Wait a while (the page says how long in its Retry-After), then start again.')));
  const form = async (c: Context) => {
    const body = await c.req.parseBody();
    return { attempt: String(body.attempt ?? ''), get: (k: string) => String(body[k] ?? '') };
  };

  const routes = new Hono();
  routes.onError((error, c) => {
    if (error instanceof SigninRefused) return refused(c, error);
    const route = `${c.req.method} ${c.req.routePath}`;
    if (requestCutOff(c)) logger.info('http.client_gone', { route });
    else logger.error('signin.unexpected', { route, error });
    return refused(c, new SigninRefused('bad_request', 'Regrant could not finish this step; the problem has been logged. Close this window and try again in a minute.'));
  });
  return routes
    .use('/login/*', limits.address)
    .use('/login', limits.address)
    .get('/login', async (c) => {
      const { attemptId, browser } = await signin.begin(c.req.query());
      setCookie(c, cookieName, browser, { path: '/login', httpOnly: true, sameSite: 'Lax', secure, maxAge: 15 * 60 });
      return c.html(loginPage({ workspace: workspaceName, attemptId, ways: signin.ways() }), 200, headers);
    })
    .post('/login/email', limits.codesPerClient, limits.codesPerEmail, async (c) => {
      const f = await form(c);
      const email = emailSchema.safeParse(f.get('email'));
      if (!email.success) throw new SigninRefused('bad_request', `"${f.get('email').slice(0, 254)}" is not an email address. Go back and type it again.`);
      await signin.sendEmailCode(f.attempt, getCookie(c, cookieName), email.data);
      return c.html(codePage({ workspace: workspaceName, attemptId: f.attempt, email: email.data }), 200, headers);
    })
    .post('/login/email/code', async (c) => {
      const f = await form(c);
      try {
        return c.redirect(await signin.verifyEmailCode(f.attempt, getCookie(c, cookieName), f.get('code')), 303);
      } catch (error) {
        // A wrong code: the same form again, saying so, while tries are left.
        if (!(error instanceof SigninRefused) || error.code !== 'code_wrong' || error.message.includes('last try')) throw error;
        const email = await signin.emailOf(f.attempt);
        return c.html(codePage({ workspace: workspaceName, attemptId: f.attempt, email, problem: error.message }), 400, headers);
      }
    })
    .post('/login/:provider{google|microsoft}', async (c) => {
      const f = await form(c);
      const url = await signin.startProvider(f.attempt, getCookie(c, cookieName), c.req.param('provider') as 'google' | 'microsoft');
      for (const [k, v] of Object.entries(headers)) c.header(k, v);
      return c.redirect(url, 303);
    })
    .get('/login/:provider{google|microsoft}/callback', async (c) => {
      const url = await signin.providerCallback(c.req.param('provider') as 'google' | 'microsoft', c.req.query(), getCookie(c, cookieName));
      return c.redirect(url, 302);
    });
}

/** `POST /login/token`, with CORS for the extension's pages and the API's JSON errors. */
export function loginTokenRoute(signin: Signin) {
  return new Hono()
    .use(extensionCors({ origin: EXTENSION_ORIGIN, allowHeaders: ['Content-Type'], allowMethods: ['POST', 'OPTIONS'], exposeHeaders: [], maxAgeSeconds: 600 }))
    .use(limitBody(4 * 1024))
    .post('/', jsonBody(tokenRequestSchema), async (c) => {
      const { code, codeVerifier } = c.req.valid('json');
      c.header('Cache-Control', 'no-store');
      return c.json(await signin.trade(code, codeVerifier));
    });
}
