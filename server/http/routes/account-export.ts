import { Hono } from 'hono';
import { exportAccountsSchema } from '../../../shared/schemas.ts';
import type { Accounts } from '../../accounts/index.ts';
import { exportCsv, exportFileName } from '../../imports/export.ts';
import type { AuthEnv } from '../auth.ts';
import { jsonBody, limitBody } from '../body.ts';

/**
 * `POST /api/accounts/export` `{"ids"}`: the chosen SMTP/IMAP mailboxes as the bulk CSV, every
 * column but the passwords filled in, to fix them all with one import. The caller's own
 * mailboxes (an admin's: all), as `GET /api/accounts` lists them.
 */
export function accountExportRoutes(accounts: Accounts) {
  // 10,000 ids of ~30 characters.
  return new Hono<AuthEnv>().post('/export', limitBody(512 * 1024), jsonBody(exportAccountsSchema), async (c) => {
    const csv = exportCsv(await accounts.list(c.var.user), c.req.valid('json').ids);
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${exportFileName(new Date())}"`, 'Cache-Control': 'no-store' });
  });
}
