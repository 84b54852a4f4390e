import { Hono } from 'hono';
import { VERSION } from '../../metrics/version.ts';
import { docsPage, DOCS_PAGE_HEADERS } from '../openapi/docs-page.ts';
import { openApiDocument } from '../openapi/document.ts';

/**
 * `GET /api/openapi.json` and `GET /api/docs`: the OpenAPI document of the API and its
 * reference page, both without a token (mounted before the token check). Built once, on the
 * first request: the document only changes with the code.
 *
 * @example app.route('/api', referenceRoutes(config.publicUrl));
 */
export function referenceRoutes(publicUrl: string) {
  let json: string | undefined;
  let page: string | undefined;
  const documentJson = () => (json ??= JSON.stringify(openApiDocument({ version: VERSION, serverUrl: publicUrl })));
  return new Hono()
    .get('/openapi.json', (c) => c.body(documentJson(), 200, { 'Content-Type': 'application/json; charset=utf-8' }))
    .get('/docs', async (c) => {
      page ??= String(await docsPage(JSON.parse(documentJson())));
      return c.html(page, 200, DOCS_PAGE_HEADERS);
    });
}
