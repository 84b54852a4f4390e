import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { IMPORT_MAX_BYTES } from '../../../shared/import-fields.ts';
import { runImportSchema } from '../../../shared/schemas.ts';
import { DomainError } from '../../errors.ts';
import { templateCsv } from '../../imports/fields.ts';
import type { Imports } from '../../imports/index.ts';
import type { AuthEnv } from '../auth.ts';
import { jsonBody, limitBody } from '../body.ts';
import { duplicateKeys } from '../duplicate-keys.ts';
import { errorBody } from '../errors.ts';
import { LIMITS } from '../abuse-limits.ts';

/** Uploads one person may make in ten minutes. */
export const UPLOADS_PER_WINDOW = LIMITS.uploads.limit;

const csvFile = (c: Context, name: string, body: string) =>
  c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' });

/** The file of an upload: the raw body (`text/csv`), or the first file of a multipart form. */
async function uploadedBytes(c: Context): Promise<Uint8Array> {
  if ((c.req.header('Content-Type') ?? '').startsWith('multipart/form-data')) {
    let form: Record<string, string | File | (string | File)[]>;
    try {
      form = await c.req.parseBody();
    } catch {
      // A form without its boundary (or otherwise broken) is the client's mistake, not the server's.
      throw new DomainError('bad_request', 'the multipart form could not be read: send Content-Type "multipart/form-data; boundary=…" with a body in that form, or the CSV file itself as text/csv');
    }
    const file = Object.values(form).find((v): v is File => v instanceof File);
    if (!file) throw new DomainError('invalid_input', 'the form holds no file; send the CSV file itself', 'file');
    return new Uint8Array(await file.arrayBuffer());
  }
  return new Uint8Array(await c.req.arrayBuffer());
}

/** `/api/imports`: bulk CSV import of custom mailboxes; `uploadLimit` counts each person's uploads. */
export function importRoutes(imports: Imports, uploadLimit: MiddlewareHandler) {
  return new Hono<AuthEnv>()
    .get('/template.csv', (c) => csvFile(c, 'regrant-import-template.csv', templateCsv()))
    .get('/', async (c) => c.json({ imports: await imports.list(c.var.user) }))
    .post(
      '/',
      uploadLimit,
      bodyLimit({
        maxSize: IMPORT_MAX_BYTES,
        onError: (c) => c.json(errorBody('payload_too_large', `The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB. Split it into smaller files.`), 413),
      }),
      async (c) => c.json(await imports.upload(c.var.user, await uploadedBytes(c)), 201),
    )
    .post('/:id/run', limitBody(256 * 1024), jsonBody(runImportSchema), async (c) => {
      const body = c.req.valid('json');
      const duplicateFields = duplicateKeys(await c.req.text())
        .filter((k) => k.startsWith('mapping.'))
        .map((k) => k.slice('mapping.'.length));
      return c.json(await imports.run(c.var.user, c.req.param('id'), { mapping: body.mapping, updateExisting: body.updateExisting ?? false, duplicateFields }), 202);
    })
    .get('/:id', async (c) => c.json(await imports.get(c.var.user, c.req.param('id'), { withRows: c.req.query('rows') !== '0' })))
    .get('/:id/report.csv', async (c) => csvFile(c, `regrant-import-${c.req.param('id')}.csv`, await imports.reportCsv(c.var.user, c.req.param('id'))));
}
