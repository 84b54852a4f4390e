/**
 * A small stand-in for a person's browser in server tests: it keeps cookies, follows redirects
 * by hand, sends requests for Regrant's PUBLIC_URL into the app and everything else (the
 * Google/Microsoft fakes) over real HTTP. Each hop is recorded.
 *
 * @example
 *   const browser = new TestBrowser(rg.app, 'http://regrant.test');
 *   const page = await browser.open(url); // start URL → consent (fake) → callback page
 *   expect(page.status).toBe(200);
 */
export interface Page {
  status: number;
  url: string;
  html: string;
  headers: Headers;
  /** Every URL visited, the first one included. */
  chain: string[];
}

interface AppLike {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: AppLike,
    private readonly publicUrl: string,
  ) {}

  private async fetchOnce(url: string, init: RequestInit): Promise<Response> {
    const target = new URL(url);
    const ours = target.origin === new URL(this.publicUrl).origin;
    const headers = new Headers(init.headers);
    if (ours && this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = ours
      ? await this.app.request(target.pathname + target.search, { ...init, headers })
      : await fetch(url, { ...init, headers, redirect: 'manual' });
    if (ours) {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair.indexOf('=');
        this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
    }
    return response;
  }

  /** Requests `url` and follows redirects (at most 10), as a browser would. */
  async open(url: string, init: RequestInit = {}): Promise<Page> {
    const chain = [url];
    let response = await this.fetchOnce(url, init);
    let current = url;
    for (let hops = 0; response.status >= 300 && response.status < 400 && response.headers.get('location'); hops++) {
      if (hops === 10) throw new Error(`too many redirects: ${chain.join(' → ')}`);
      current = new URL(response.headers.get('location')!, current).toString();
      chain.push(current);
      response = await this.fetchOnce(current, {});
    }
    return { status: response.status, url: current, html: await response.text(), headers: response.headers, chain };
  }

  /** Submits a form with method POST and no fields (the share page's button). */
  submit(url: string): Promise<Page> {
    return this.open(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  }

  /** One request, redirects not followed, the response whole (cookies kept as always). */
  once(url: string, init: RequestInit = {}): Promise<Response> {
    return this.fetchOnce(url, init);
  }

  /** Like `open`, but stops at the first redirect and answers its target. */
  async redirectOf(url: string, init: RequestInit = {}): Promise<{ status: number; location: string | null }> {
    const response = await this.fetchOnce(url, init);
    return { status: response.status, location: response.headers.get('location') };
  }
}
