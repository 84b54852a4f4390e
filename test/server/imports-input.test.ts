/**
 * Bad files and bad mappings get a precise message and a fitting status, and write nothing:
 * no import, no row, no mailbox. Imports belong to the person who uploaded them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_FIELDS, type ImportUpload, type ImportView } from '../../shared/api.ts';
import { UPLOADS_PER_WINDOW } from '../../server/http/routes/imports.ts';
import { startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

let rg: TestRegrant;
let ann: Client;
let bob: Client;

beforeAll(async () => {
  rg = await startRegrant();
  ann = await rg.user('ann@acme.test', 'member');
  bob = await rg.user('bob@acme.test', 'member');
});
afterAll(async () => {
  await rg?.destroy();
});

const HEADER = 'email,smtp_host,smtp_port,smtp_security,smtp_username,smtp_password,imap_host,imap_port,imap_security,imap_username,imap_password';
const ROW = 'a@acme.test,127.0.0.1,2525,none,a@acme.test,pw,127.0.0.1,1143,none,a@acme.test,pw';
const FULL_MAPPING = Object.fromEntries(HEADER.split(',').map((h) => [h, h]));

const upload = (client: Client, body: string | Uint8Array, type = 'text/csv') => client.request('POST', '/api/imports', body, { 'content-type': type });

async function expectRefused(res: Response, status: number, code: string, message: RegExp | string) {
  const body = (await res.json()) as { error: { code: string; message: string; field?: string } };
  expect(res.status).toBe(status);
  expect(body.error.code).toBe(code);
  if (typeof message === 'string') expect(body.error.message).toBe(message);
  else expect(body.error.message).toMatch(message);
  return body.error;
}

const stored = async () => ({
  imports: Number((await rg.db.selectFrom('imports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  rows: Number((await rg.db.selectFrom('import_rows').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  accounts: Number((await rg.db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
});

describe('a file that cannot be read is refused whole, and nothing is stored', () => {
  it('empty, blank, header only', async () => {
    const before = await stored();
    await expectRefused(await upload(ann, ''), 400, 'invalid_csv', 'The file is empty.');
    await expectRefused(await upload(ann, '\r\n \r\n'), 400, 'invalid_csv', 'The file is empty.');
    await expectRefused(await upload(ann, `${HEADER}\r\n\r\n`), 400, 'invalid_csv', 'The file has a header line but no rows of mailboxes.');
    expect(await stored()).toEqual(before);
  });

  it('an unbalanced quote, text after a closing quote or a quote inside an unquoted cell names its line, never the cell', async () => {
    const before = await stored();
    await expectRefused(await upload(ann, `${HEADER}\n${ROW}\n"b@acme.test,127.0.0.1,2525\n${ROW}\n`), 400, 'invalid_csv', 'Line 3: a quote opened in this row is never closed.');
    await expectRefused(await upload(ann, `${HEADER}\n${ROW}\n${ROW}\n"b@acme.test"x,1\n`), 400, 'invalid_csv', /^Line 4: text after a closing quote/);
    const quoteInPassword = ROW.replace(',pw,', ',p"w,');
    await expectRefused(await upload(ann, `${HEADER}\n${ROW}\n${quoteInPassword}\n`), 400, 'invalid_csv', 'Line 3: a quote inside a cell that does not start with one. Put the whole cell in quotes and double the quote inside ("").');
    expect(await stored()).toEqual(before);
  });

  it('not UTF-8: the line is named; UTF-16 is recognised', async () => {
    const latin1 = Buffer.concat([Buffer.from(`email,name\na@acme.test,Ann\nb@acme.test,Ren`), Buffer.from([0xe9]), Buffer.from('\n')]);
    await expectRefused(await upload(ann, latin1), 400, 'invalid_csv', 'Line 3 is not UTF-8 text (byte 0xE9): the file was probably saved in another encoding. Save it as "CSV UTF-8" and upload it again.');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n${ROW}\n`, 'utf16le')]);
    await expectRefused(await upload(ann, utf16), 400, 'invalid_csv', /UTF-16/);
  });

  it('over 5 MB or over 10,000 rows: 413', async () => {
    const before = await stored();
    const big = `${HEADER}\n` + `${ROW},${'x'.repeat(1000)}\n`.repeat(5300);
    await expectRefused(await upload(ann, big), 413, 'payload_too_large', 'The file is larger than 5 MB. Split it into smaller files.');
    const many = `${HEADER}\n` + Array.from({ length: 10_001 }, (_, i) => ROW.replaceAll('a@acme.test', `u${i}@acme.test`)).join('\n');
    await expectRefused(await upload(ann, many), 413, 'payload_too_large', 'The file has more than 10,000 rows. Split it into files of at most 10,000 rows.');
    const exactly = `${HEADER}\n` + Array.from({ length: 10_000 }, (_, i) => ROW.replaceAll('a@acme.test', `u${i}@acme.test`)).join('\n');
    const ok = await upload(ann, exactly);
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as ImportUpload).total).toBe(10_000);
    expect((await stored()).imports).toBe(before.imports + 1);
  });

  it('two columns with the same name cannot be told apart: 422', async () => {
    await expectRefused(await upload(ann, `email,Password,password\n${ROW}\n`), 422, 'invalid_input', 'Columns 2 and 3 are both named "password". Rename one so that each column can be mapped.');
  });
});

describe('reading what people export', () => {
  it('a BOM and semicolons (Excel in many countries), or tabs, are understood', async () => {
    const semicolons = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADER.replaceAll(',', ';')}\r\n${ROW.replaceAll(',', ';')}\r\n`)]);
    const a = (await (await upload(ann, semicolons)).json()) as ImportUpload;
    expect(a).toMatchObject({ delimiter: ';', headers: HEADER.split(','), total: 1 });
    expect(a.preview[0]).toMatchObject({ email: 'a@acme.test', smtp_port: '2525', smtp_password: '••••••' });
    const tabs = (await (await upload(ann, `${HEADER.replaceAll(',', '\t')}\n${ROW.replaceAll(',', '\t')}\n`)).json()) as ImportUpload;
    expect(tabs).toMatchObject({ delimiter: '\t', total: 1 });
    expect(tabs.suggestedMapping).toEqual(FULL_MAPPING);
  });

  it('the template downloads, and uploading it back maps every field to itself', async () => {
    const res = await ann.get('/api/imports/template.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="regrant-import-template.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a BOM: Excel then reads it as UTF-8
    const template = new TextDecoder().decode(bytes);
    expect(template.split('\r\n')[0]).toBe(IMPORT_FIELDS.join(','));
    const up = (await (await upload(ann, template)).json()) as ImportUpload;
    expect(up.suggestedMapping).toEqual(Object.fromEntries(IMPORT_FIELDS.map((f) => [f, f])));
  });

  it('a file sent as a multipart form is read too', async () => {
    const form = new FormData();
    form.append('file', new Blob([`${HEADER}\n${ROW}\n`], { type: 'text/csv' }), 'mailboxes.csv');
    const res = await rg.app.request('/api/imports', { method: 'POST', headers: { authorization: `Bearer ${ann.token}` }, body: form });
    expect(res.status).toBe(201);
    expect(((await res.json()) as ImportUpload).total).toBe(1);
  });
});

describe('a run with a wrong mapping is refused and the upload waits for a right one', () => {
  it('each mistake names the field; nothing runs', async () => {
    const up = (await (await upload(ann, `${HEADER}\n${ROW}\n`)).json()) as ImportUpload;
    const run = (body: unknown) => ann.post(`/api/imports/${up.id}/run`, body);
    const { smtp_host: _omit, ...withoutHost } = FULL_MAPPING;
    const missing = await expectRefused(await run({ mapping: withoutHost, updateExisting: false }), 422, 'invalid_input', 'mapping.smtp_host: choose the column for SMTP host');
    expect(missing.field).toBe('mapping.smtp_host');
    const twice = JSON.stringify({ mapping: FULL_MAPPING, updateExisting: false }).replace('"smtp_host":"smtp_host"', '"smtp_host":"smtp_host","smtp_host":"imap_host"');
    await expectRefused(await run(twice), 422, 'invalid_input', 'mapping.smtp_host: two columns are mapped to smtp_host; map one column to each field');
    await expectRefused(await run({ mapping: { ...FULL_MAPPING, smtp_host: 'SMTP Hots' }, updateExisting: false }), 422, 'invalid_input', 'mapping.smtp_host: the file has no column "SMTP Hots"');
    await expectRefused(await run({ mapping: { ...FULL_MAPPING, colour: 'email' } }), 422, 'invalid_input', /^mapping\.colour: is not a field of the import; the fields are email, name, owner, smtp_host/);
    await expectRefused(await run({ mapping: FULL_MAPPING, updateExisting: 'yes' }), 422, 'invalid_input', 'updateExisting: must be true or false');
    await expectRefused(await run({ updateExisting: true }), 422, 'invalid_input', 'mapping: is required');
    await expectRefused(await run('{"mapping":'), 400, 'invalid_json', 'the request body is not valid JSON');
    const view = (await (await ann.get(`/api/imports/${up.id}`)).json()) as ImportView;
    expect(view).toMatchObject({ state: 'uploaded', done: 0, rows: [], startedAt: null });
  });

  it('unknown, foreign, expired and already started imports', async () => {
    await expectRefused(await ann.get('/api/imports/imp_nope'), 404, 'not_found', 'no import imp_nope');
    const up = (await (await upload(ann, `${HEADER}\n${ROW}\n`)).json()) as ImportUpload;
    // Another member does not see it, cannot run it, cannot read its report.
    await expectRefused(await bob.get(`/api/imports/${up.id}`), 404, 'not_found', `no import ${up.id}`);
    await expectRefused(await bob.post(`/api/imports/${up.id}/run`, { mapping: FULL_MAPPING }), 404, 'not_found', `no import ${up.id}`);
    await expectRefused(await bob.get(`/api/imports/${up.id}/report.csv`), 404, 'not_found', `no import ${up.id}`);
    expect(((await (await bob.get('/api/imports')).json()) as { imports: ImportView[] }).imports.map((i) => i.id)).not.toContain(up.id);

    await rg.db.updateTable('imports').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', up.id).execute();
    await expectRefused(await ann.post(`/api/imports/${up.id}/run`, { mapping: FULL_MAPPING }), 410, 'import_expired', 'this upload has expired (files are kept for 24 hours); upload the file again');

    const again = (await (await upload(ann, `${HEADER}\n${ROW.replace('pw', '')}\n`)).json()) as ImportUpload;
    expect((await ann.post(`/api/imports/${again.id}/run`, { mapping: FULL_MAPPING })).status).toBe(202);
    await expectRefused(await ann.post(`/api/imports/${again.id}/run`, { mapping: FULL_MAPPING }), 409, 'import_started', 'this import has already been started; upload the file again to run it again');
    await rg.imports.settled();
  });
});

const NEUTRAL = (email: string) => `${email} cannot be added to your mailboxes. If it should be yours, ask an administrator of Regrant.`;

describe('a member imports only into their own mailboxes', () => {
  it("another member's mailbox is neither updated nor shown; owners must be the member", async () => {
    const bobs = await bob.post('/api/accounts', {
      email: 'bobs@acme.test',
      smtp: { host: '127.0.0.1', port: 2525, security: 'none', username: 'bobs', password: 'bobs-secret' },
      imap: { host: '127.0.0.1', port: 1143, security: 'none', username: 'bobs', password: 'bobs-secret' },
    });
    expect(bobs.status).toBe(201);
    const file = [
      `${HEADER},owner`,
      `${ROW.replaceAll('a@acme.test', 'bobs@acme.test')},`,
      `${ROW.replaceAll('a@acme.test', 'gift@acme.test')},bob@acme.test`,
      `${ROW.replaceAll('a@acme.test', 'ghost@acme.test')},nobody@acme.test`,
    ].join('\n');
    const mapping = { ...FULL_MAPPING, owner: 'owner' };
    const results = async (updateExisting: boolean) => {
      const up = (await (await upload(ann, file)).json()) as ImportUpload;
      expect((await ann.post(`/api/imports/${up.id}/run`, { mapping, updateExisting })).status).toBe(202);
      await rg.imports.settled();
      return ((await (await ann.get(`/api/imports/${up.id}`)).json()) as ImportView).rows;
    };
    expect(await results(true)).toEqual([
      { line: 2, email: 'bobs@acme.test', status: 'failed', error: { code: 'forbidden', message: NEUTRAL('bobs@acme.test') } },
      { line: 3, email: 'gift@acme.test', status: 'failed', error: { code: 'forbidden', message: 'owner: only an admin can give a mailbox to someone else' } },
      { line: 4, email: 'ghost@acme.test', status: 'failed', error: { code: 'invalid_input', message: 'owner: there is no Regrant user nobody@acme.test' } },
    ]);
    // Without "update" too: that it exists is not said either.
    expect((await results(false))[0]).toEqual({ line: 2, email: 'bobs@acme.test', status: 'failed', error: { code: 'forbidden', message: NEUTRAL('bobs@acme.test') } });
    const kept = await rg.db.selectFrom('accounts').select(['email', 'owner_id', 'updated_at']).where('email', 'in', ['bobs@acme.test', 'gift@acme.test', 'ghost@acme.test']).execute();
    expect(kept.map((a) => a.email)).toEqual(['bobs@acme.test']);
  });
});

describe('uploads are limited per person', () => {
  it(`after ${UPLOADS_PER_WINDOW} files in 10 minutes the next is refused with 429; others are not affected`, async () => {
    const cy = await rg.user('cy@acme.test', 'member');
    for (let i = 0; i < UPLOADS_PER_WINDOW; i++) expect((await upload(cy, `${HEADER}\n${ROW}\n`)).status).toBe(201);
    const refused = await upload(cy, `${HEADER}\n${ROW}\n`);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectRefused(refused, 429, 'rate_limited', `Too many uploads: at most ${UPLOADS_PER_WINDOW} files in 10 minutes. Wait a few minutes, then upload again.`);
    expect((await upload(bob, `${HEADER}\n${ROW}\n`)).status).toBe(201);
  });
});
