import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountStatus, ImportRowView } from '../../shared/api.ts';
import { AccountsPage, type AccountsPageDeps } from '../../extension/components/AccountsPage.tsx';
import { BulkImport, type BulkImportDeps } from '../../extension/components/BulkImport.tsx';
import { ApiError, createApi } from '../../extension/utils/api.ts';
import { saveFile } from '../../extension/utils/save-file.ts';
import { account } from './fixtures.ts';
import { rendersOf } from './render-count.ts';
import { TEMPLATE_CSV, importServer, importView, uploaded, type ImportScript } from './import-server.ts';

const SERVER = 'https://regrant.acme.test';

afterEach(cleanup);

function depsFor(script: ImportScript) {
  const server = importServer(script);
  const saved: Array<{ name: string; file: Blob }> = [];
  const calls = { pollNow: 0 };
  const deps: BulkImportDeps = {
    api: async () => createApi({ serverUrl: SERVER, apiToken: 'rg_tok', fetch: server.fetch }),
    pollNow: async () => void calls.pollNow++,
    saveFile: (file, name) => void saved.push({ file, name }),
    now: () => new Date('2026-11-28T12:00:00.000Z'),
  };
  return { server, saved, calls, deps };
}

function setup(script: ImportScript) {
  const world = depsFor(script);
  const finished = vi.fn();
  render(<BulkImport deps={world.deps} onFinished={finished} pollMs={5} reportPollMs={5} />);
  return { ...world, finished };
}

function chooseFile(text = 'E-mail;SMTP server\r\nann@acme.test;smtp.acme.test\r\n', name = 'boxes.csv') {
  const file = new File([text], name, { type: 'text/csv' });
  fireEvent.change(screen.getByLabelText('CSV file'), { target: { files: [file] } });
  return file;
}

/** Uploads a file and waits for the mapping form. */
async function upload() {
  chooseFile();
  await screen.findByRole('heading', { name: 'Match the columns' });
}

/** A promise the test settles when it chooses. */
function held() {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve: () => resolve() };
}

const select = (label: string) => screen.getByRole('combobox', { name: label }) as HTMLSelectElement;
const descriptionOf = (el: Element) => document.getElementById(el.getAttribute('aria-describedby')!)?.textContent?.trim();
const start = () => fireEvent.click(screen.getByRole('button', { name: 'Start import' }));
const tableRows = () =>
  within(screen.getByRole('region', { name: 'Rows of the file' }))
    .getAllByRole('row')
    .slice(1)
    .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));

const ROWS: ImportRowView[] = [
  { line: 2, email: 'ann@acme.test', status: 'created', state: 'connected', accountId: 'acc_ann' },
  { line: 3, email: 'bob@acme.test', status: 'updated', state: 'needs_reauth', accountId: 'acc_bob' },
  { line: 4, email: 'cat@acme.test', status: 'skipped', error: { code: 'exists', message: 'The mailbox exists already; "Update inbox if it exists" was off.' } },
  { line: 5, email: 'dan@acme', status: 'failed', error: { code: 'invalid_email', message: 'dan@acme is not an email address.' } },
  { line: 6, email: 'eve@acme.test', status: 'created', state: 'new', accountId: 'acc_eve' },
];

describe('adding mailboxes in bulk', () => {
  it('sends the chosen file as it is, with the token, and shows the server refusal in its words', async () => {
    const { server } = setup({ upload: { status: 400, code: 'unbalanced_quotes', message: 'Line 4 opens a quote that is never closed.' } });
    const file = chooseFile();
    await screen.findByText('Line 4 opens a quote that is never closed.');
    const [sent] = server.to('POST', '/api/imports');
    expect(sent.body).toBe(file);
    expect(sent.headers).toMatchObject({ authorization: 'Bearer rg_tok', 'content-type': 'text/csv' });
    expect(screen.queryByRole('heading', { name: 'Match the columns' })).toBeNull();
  });

  it('refuses a file over 5 MB without sending it', async () => {
    const { server } = setup({ upload: uploaded() });
    chooseFile('x'.repeat(5 * 1024 * 1024 + 1));
    await screen.findByText(/at most 5 MB and 10,000 rows/);
    expect(server.to('POST', '/api/imports')).toEqual([]);
  });

  it('shows the first rows of the file and presets each field to the suggested column', async () => {
    setup({ upload: uploaded() });
    await upload();
    const preview = screen.getByRole('region', { name: 'Preview of the file' });
    expect(within(preview).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(uploaded().headers);
    expect(within(preview).getByText('bob@acme.test')).toBeTruthy();
    screen.getByText('500 rows, separated by semicolons.');
    screen.getByText(/^Start before today \d{1,2}:\d\d(\s?[AP]M)?, or choose the file again\.$/);

    expect(select('Email address').value).toBe('E-mail');
    expect(select('SMTP password').value).toBe('SMTP pass');
    expect(select('IMAP password').value).toBe('');
    expect([...select('IMAP password').options].map((o) => o.text)).toEqual(['— not in the file —', ...uploaded().headers]);
    expect(select('SMTP host').getAttribute('aria-required')).toBe('true');
    expect(select('IMAP password').getAttribute('aria-required')).toBeNull();
    expect(descriptionOf(select('IMAP password'))).toBe('Not in the file: the SMTP password');
    expect(descriptionOf(select('SMTP host'))).toBe('Required');
    fireEvent.change(select('IMAP password'), { target: { value: 'IMAP pass' } });
    expect(descriptionOf(select('IMAP password'))).toBe('Blank cells: the SMTP password');
  });

  it('names the day the upload expires when it is not today', async () => {
    setup({ upload: uploaded({ expiresAt: '2026-11-29T12:00:00.000Z' }) });
    await upload();
    screen.getByText(/^Start before tomorrow \d{1,2}:\d\d(\s?[AP]M)?, or choose the file again\.$/);
  });

  it('does not start while a required field has no column, and says which', async () => {
    const { server } = setup({ upload: uploaded(), run: importView({ rows: ROWS }) });
    await upload();
    fireEvent.change(select('SMTP password'), { target: { value: '' } });
    start();
    await screen.findByText('Choose the column for SMTP password: it is required.');
    expect(select('SMTP password').getAttribute('aria-invalid')).toBe('true');
    expect(select('SMTP host').getAttribute('aria-invalid')).toBeNull();
    expect(server.requests.filter((r) => r.path.endsWith('/run'))).toEqual([]);
  });

  it('takes the person to the first field without a column, and unmarks each field once chosen', async () => {
    setup({ upload: uploaded() });
    await upload();
    fireEvent.change(select('SMTP password'), { target: { value: '' } });
    fireEvent.change(select('Email address'), { target: { value: '' } });
    start();
    await screen.findByText('Choose the column for Email address and SMTP password: they are required.');
    expect(document.activeElement).toBe(select('Email address'));
    fireEvent.change(select('Email address'), { target: { value: 'E-mail' } });
    expect(select('Email address').getAttribute('aria-invalid')).toBeNull();
    expect(select('Email address').closest('tr')!.className).not.toContain('invalid');
    expect(select('SMTP password').getAttribute('aria-invalid')).toBe('true');
  });

  it('runs with exactly the mapping and the update choice made', async () => {
    const { server } = setup({ upload: uploaded(), run: importView({ rows: ROWS }) });
    await upload();
    const update = screen.getByRole('checkbox', { name: 'Update inbox if it exists' }) as HTMLInputElement;
    expect(update.checked).toBe(false);
    expect(descriptionOf(update)).toMatch(/Otherwise a mailbox already in Regrant is skipped/);
    fireEvent.change(select('IMAP password'), { target: { value: 'IMAP pass' } });
    fireEvent.change(select('SMTP port'), { target: { value: '' } });
    fireEvent.change(select('SMTP port'), { target: { value: 'SMTP port' } });
    fireEvent.click(update);
    start();
    await screen.findByRole('heading', { name: 'Import finished' });
    const [run] = server.to('POST', '/api/imports/imp_1/run');
    expect(run.headers).toMatchObject({ authorization: 'Bearer rg_tok', 'content-type': 'application/json' });
    expect(JSON.parse(String(run.body))).toEqual({
      // The suggestion as it was (SMTP port chosen again, "— not in the file —" left out), plus the IMAP password.
      mapping: { ...uploaded().suggestedMapping, imap_password: 'IMAP pass' },
      updateExisting: true,
    });
  });

  it('shows a refused run in the server words, without the field it names, and marks that field', async () => {
    setup({ upload: uploaded(), run: { status: 422, code: 'invalid_mapping', message: 'mapping.smtp_host: the file has no column "SMTP server"', field: 'mapping.smtp_host' } });
    await upload();
    start();
    await screen.findByText('The file has no column "SMTP server"');
    expect(select('SMTP host').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(select('SMTP host'));
    expect((screen.getByRole('button', { name: 'Start import' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('opened again while an import runs, it follows that import', async () => {
    const running = importView({ id: 'imp_9', state: 'running', total: 40, done: 12, rows: [], report: null });
    const { server } = setup({ imports: [running], polls: [running, importView({ id: 'imp_9', rows: ROWS })] });
    await screen.findByText('12 of 40 rows');
    await screen.findByRole('heading', { name: 'Import finished' });
    expect(server.to('GET', '/api/imports/imp_9').length).toBeGreaterThanOrEqual(2);
  });

  it('a file chosen before the last imports are listed is not replaced by a running import', async () => {
    const listed = held();
    const read = held();
    const running = importView({ id: 'imp_9', state: 'running', total: 40, done: 12, rows: [], report: null });
    const { server } = setup({ imports: [running], polls: [running], upload: uploaded(), hold: { imports: listed.promise, upload: read.promise } });
    chooseFile();
    await screen.findByText('Reading the file…');
    listed.resolve();
    // Time for the list to arrive and be acted on, were it to be.
    await new Promise((r) => setTimeout(r, 30));
    expect(screen.getByRole('heading', { level: 3 }).textContent).toBe('Choose a CSV file');
    read.resolve();
    await screen.findByRole('heading', { name: 'Match the columns' });
    expect(server.to('GET', '/api/imports/imp_9')).toEqual([]);
  });

  it('offers the results of the last finished import, rows and report, without calling it new', async () => {
    const counts = { created: 2, updated: 1, skipped: 1, failed: 1 };
    const listed = importView({ id: 'imp_7', rows: [], counts, report: { to: 'ann@acme.test', state: 'logged' } });
    const { server, calls, finished } = setup({ imports: [listed], polls: [importView({ id: 'imp_7', rows: ROWS, report: listed.report })] });
    const offer = await screen.findByText(/^Your last import \((today|yesterday) \d{1,2}:\d\d(\s?[AP]M)?, 2 created, 1 updated, 1 skipped, 1 failed\):/);
    fireEvent.click(within(offer).getByRole('button', { name: 'Show its results' }));
    await screen.findByRole('heading', { name: 'Import finished' });
    expect(tableRows()).toHaveLength(5);
    screen.getByText('The report was not emailed: the server has no NOTIFY_SMTP_URL; download it here.');
    screen.getByRole('button', { name: 'Download report' });
    expect(server.to('GET', '/api/imports/imp_7').map((r) => r.search)).toEqual(['']);
    expect([calls.pollNow, finished.mock.calls.length]).toEqual([0, 0]);
  });

  it('keeps the report line current while its email waits for the mail server, and the rows as they were', async () => {
    const pending = { to: 'ann@acme.test', state: 'pending' } as const;
    const { server } = setup({
      upload: uploaded(),
      run: importView({ rows: ROWS, report: pending }),
      polls: [importView({ rows: [], report: pending }), importView({ rows: [], report: { ...pending, state: 'sent' } })],
    });
    await upload();
    start();
    await screen.findByText('The report will be emailed to ann@acme.test when the mail server answers.');
    await screen.findByText('The report was emailed to ann@acme.test.');
    expect(tableRows()).toHaveLength(5);
    expect(server.to('GET', '/api/imports/imp_1').map((r) => r.search)).toEqual(['?rows=0', '?rows=0']);
  });

  it('follows a running import with a progress bar, then shows its results', async () => {
    const running = (done: number) => importView({ state: 'running', total: 500, done, rows: [], report: null });
    const { server } = setup({ upload: uploaded(), run: running(0), polls: [running(120), running(120), importView({ rows: ROWS })] });
    await upload();
    start();
    await screen.findByText('120 of 500 rows');
    const bar = screen.getByRole('progressbar', { name: 'Rows imported' }) as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([120, 500]);
    await screen.findByRole('heading', { name: 'Import finished' });
    const polls = server.to('GET', '/api/imports/imp_1');
    // Progress without the rows; the rows once, when the run has finished.
    expect(polls.map((p) => p.search)).toEqual(['?rows=0', '?rows=0', '?rows=0', '']);
    expect(polls[0].headers.authorization).toBe('Bearer rg_tok');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('tells a screen reader the progress at each tenth only, while the words follow every poll', async () => {
    const running = (done: number) => importView({ state: 'running', total: 500, done, rows: [], report: null });
    setup({ upload: uploaded(), run: running(0), polls: [running(100), running(149)] });
    await upload();
    start();
    const live = () => screen.getByRole('status');
    await screen.findByText('100 of 500 rows');
    expect(live().textContent).toBe('Imported 20% of 500 rows');
    await screen.findByText('149 of 500 rows');
    expect(live().textContent).toBe('Imported 20% of 500 rows');
    expect(live().getAttribute('aria-live')).toBe('polite');
    expect(screen.getByText('149 of 500 rows').getAttribute('aria-live')).toBeNull();
  });

  it('says so when the server cannot be reached while running, and keeps asking', async () => {
    const { server } = setup({
      upload: uploaded(),
      run: importView({ state: 'running', total: 5, done: 1, rows: [] }),
      polls: ['down', 'down', importView({ rows: ROWS })],
    });
    await upload();
    start();
    await screen.findByText(`Cannot reach ${SERVER}. Check the address, and that the server is running. Still trying…`);
    await screen.findByRole('heading', { name: 'Import finished' });
    expect(server.to('GET', '/api/imports/imp_1')).toHaveLength(4);
    expect(screen.queryByText(/Still trying/)).toBeNull();
  });

  it('after a run, sums it up, lists every row and filters them by status', async () => {
    setup({ upload: uploaded(), run: importView({ rows: ROWS }) });
    await upload();
    start();
    await screen.findByText('2 created, 1 updated, 1 skipped, 1 failed.');
    expect(tableRows()).toEqual([
      ['2', 'ann@acme.test', 'Created', 'Connected', ''],
      ['3', 'bob@acme.test', 'Updated', 'Needs re-authentication', ''],
      ['4', 'cat@acme.test', 'Skipped', '', 'The mailbox exists already; "Update inbox if it exists" was off.'],
      ['5', 'dan@acme', 'Failed', '', 'dan@acme is not an email address.'],
      ['6', 'eve@acme.test', 'Created', 'Not checked yet', ''],
    ]);
    const filters = within(screen.getByRole('group', { name: 'Show rows' })).getAllByRole('button');
    expect(filters.map((b) => b.textContent)).toEqual(['All (5)', 'Created (2)', 'Updated (1)', 'Skipped (1)', 'Failed (1)']);

    fireEvent.click(screen.getByRole('button', { name: 'Failed (1)' }));
    expect(tableRows()).toEqual([['5', 'dan@acme', 'Failed', '', 'dan@acme is not an email address.']]);
    expect(screen.getByRole('button', { name: 'Failed (1)' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'All (5)' }).getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(screen.getByRole('button', { name: 'Created (2)' }));
    expect(tableRows().map((r) => r[1])).toEqual(['ann@acme.test', 'eve@acme.test']);
  });

  it('shows the first 200 rows of a long result, then 500 more at each ask, reading on from the first added', async () => {
    const many: ImportRowView[] = Array.from({ length: 10_000 }, (_, i) => ({ line: i + 2, email: `box${i}@acme.test`, status: i % 10 ? 'created' : 'failed' }));
    setup({ upload: uploaded(), run: importView({ rows: many }) });
    await upload();
    start();
    await screen.findByText('9,000 created, 1,000 failed.');
    expect(tableRows()).toHaveLength(200);
    screen.getByText(/Showing the first 200 of 10,000 rows\./);
    fireEvent.click(screen.getByRole('button', { name: 'Failed (1,000)' }));
    expect(tableRows()).toHaveLength(200);
    expect(tableRows()[1][1]).toBe('box10@acme.test');

    fireEvent.click(screen.getByRole('button', { name: 'Show 500 more' }));
    await waitFor(() => expect(document.activeElement?.tagName).toBe('TR'));
    expect(tableRows()).toHaveLength(700);
    expect(document.activeElement?.querySelector('.email')?.textContent).toBe('box2000@acme.test');

    // The last click removes the button: focus goes to the rows, not to the page.
    fireEvent.click(screen.getByRole('button', { name: 'Show 300 more' }));
    await waitFor(() => expect(document.activeElement?.querySelector('.email')?.textContent).toBe('box7000@acme.test'));
    expect(tableRows()).toHaveLength(1000);
    expect(screen.queryByRole('button', { name: /^Show \d+ more/ })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'All (10,000)' }));
    expect(tableRows()).toHaveLength(200);
  });

  it.each([
    ['sent', 'The report was emailed to ann@acme.test.'],
    ['pending', 'The report will be emailed to ann@acme.test when the mail server answers.'],
    ['logged', 'The report was not emailed: the server has no NOTIFY_SMTP_URL; download it here.'],
  ] as const)('says where the report went (%s)', async (state, words) => {
    setup({ upload: uploaded(), run: importView({ rows: ROWS, report: { to: 'ann@acme.test', state } }) });
    await upload();
    start();
    await screen.findByText(words);
  });

  it('Download report fetches the report with the token and saves it', async () => {
    const report = 'line,email,status,reason\r\n2,ann@acme.test,created,\r\n';
    const { server, saved } = setup({ upload: uploaded(), run: importView({ rows: ROWS }), report });
    await upload();
    start();
    fireEvent.click(await screen.findByRole('button', { name: 'Download report' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0].name).toBe('regrant-import-report.csv');
    expect(await saved[0].file.text()).toBe(report);
    expect(server.to('GET', '/api/imports/imp_1/report.csv')[0].headers.authorization).toBe('Bearer rg_tok');
  });

  it('Download the template fetches it with the token and saves it as regrant-template.csv', async () => {
    const { server, saved } = setup({});
    fireEvent.click(screen.getByRole('button', { name: 'Download the template' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0].name).toBe('regrant-template.csv');
    expect(await saved[0].file.text()).toBe(TEMPLATE_CSV);
    expect(server.to('GET', '/api/imports/template.csv')[0].headers.authorization).toBe('Bearer rg_tok');
  });

  it('a finished import tells the badge and the page at once, and another file can follow', async () => {
    const { calls, finished } = setup({ upload: uploaded(), run: importView({ rows: ROWS }) });
    await upload();
    expect(calls.pollNow).toBe(0);
    start();
    await screen.findByRole('heading', { name: 'Import finished' });
    expect(calls.pollNow).toBe(1);
    expect(finished).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Import another file' }));
    await screen.findByRole('heading', { name: 'Choose a CSV file' });
    await upload();
    expect(select('Email address').value).toBe('E-mail');
  });

  it('a run started already (409) is followed rather than refused', async () => {
    setup({ upload: uploaded(), run: { status: 409, code: 'already_started', message: 'This import has started already.' }, polls: [importView({ rows: ROWS })] });
    await upload();
    start();
    await screen.findByText('2 created, 1 updated, 1 skipped, 1 failed.');
    expect(screen.queryByText('This import has started already.')).toBeNull();
  });
});

describe('the accounts page', () => {
  function page(script: ImportScript) {
    const world = depsFor(script);
    const deps: AccountsPageDeps = { ...world.deps, selectedId: () => 'acc_old', select: () => undefined, openTab: async () => undefined };
    render(<AccountsPage deps={deps} />);
    return world;
  }

  it('"Add in bulk" opens the import in place of the mailbox; a finished import reloads the list and polls', async () => {
    const accounts: AccountStatus[] = [account('old@acme.test', 'connected', 'custom')];
    const { server, calls } = page({ accounts, upload: uploaded(), run: importView({ rows: ROWS }) });
    await screen.findByText('old@acme.test');
    fireEvent.click(screen.getByRole('button', { name: 'Add in bulk' }));
    expect(screen.getByRole('region', { name: 'Add mailboxes in bulk' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add in bulk' }).getAttribute('aria-current')).toBe('true');
    expect(document.activeElement?.textContent).toBe('Choose a CSV file');

    accounts.push(account('ann@acme.test', 'connected', 'custom'));
    await upload();
    start();
    await screen.findByRole('button', { name: /ann@acme\.test/ });
    expect(server.to('GET', '/api/status')).toHaveLength(2);
    expect(calls.pollNow).toBe(1);
  });

  it('typing in the filter or choosing a mailbox does not render the results of an import again', async () => {
    const many: ImportRowView[] = Array.from({ length: 300 }, (_, i) => ({ line: i + 2, email: `box${i}@acme.test`, status: 'created' }));
    page({ accounts: [account('old@acme.test', 'connected', 'custom')], upload: uploaded(), run: importView({ rows: many }) });
    fireEvent.click(await screen.findByRole('button', { name: 'Add in bulk' }));
    await upload();
    start();
    await screen.findByText('300 created.');
    await screen.findByRole('button', { name: /old@acme\.test/ });

    const rendered = rendersOf('ResultRow');
    try {
      fireEvent.input(screen.getByPlaceholderText('Filter mailboxes'), { target: { value: 'old' } });
      fireEvent.click(screen.getByRole('button', { name: /old@acme\.test/ }));
      expect(screen.queryByRole('region', { name: 'Add mailboxes in bulk' })).toBeNull();
      expect(rendered.count).toBe(0);
    } finally {
      rendered.stop();
    }
  });

  it('a mailbox chosen from the list replaces the import view, which keeps its place', async () => {
    page({ accounts: [account('old@acme.test', 'connected', 'custom')], upload: uploaded() });
    fireEvent.click(await screen.findByRole('button', { name: 'Add in bulk' }));
    await upload();
    fireEvent.click(screen.getByRole('button', { name: /old@acme\.test/ }));
    expect(screen.queryByRole('region', { name: 'Add mailboxes in bulk' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Add in bulk' }));
    expect(select('Email address').value).toBe('E-mail');
  });
});

describe('the import client', () => {
  const api = (fetch: typeof globalThis.fetch) => createApi({ serverUrl: SERVER, apiToken: 'rg_tok', fetch });

  it('words a too-large refusal from a proxy without Regrant JSON', async () => {
    const refused = async () => new Response('<html>413 Request Entity Too Large</html>', { status: 413, headers: { 'content-type': 'text/html' } });
    await expect(api(refused).uploadImport(new Blob(['a'])).catch((e) => e)).resolves.toMatchObject({ code: 'request_failed', status: 413, message: 'The server refused the file as too large.' });
  });

  it('keeps the field a refusal names', async () => {
    const { fetch } = importServer({ run: { status: 422, code: 'invalid_mapping', message: 'SMTP host has no column.', field: 'mapping.smtp_host' } });
    const error = await api(fetch).runImport('imp_1', {}, false).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, serverCode: 'invalid_mapping', field: 'mapping.smtp_host', message: 'SMTP host has no column.' });
  });

  it('takes a CSV file only as CSV', async () => {
    const page = async () => new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } });
    await expect(api(page).importTemplate()).rejects.toMatchObject({ code: 'not_regrant' });
  });
});

describe('saving a file', () => {
  it('clicks a hidden download link to an object URL, then forgets the URL', async () => {
    vi.useFakeTimers();
    try {
      const clicked: Array<{ href: string; download: string }> = [];
      const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        clicked.push({ href: this.href, download: this.download });
      });
      const revoke = vi.spyOn(URL, 'revokeObjectURL');
      saveFile(new Blob(['email\r\n'], { type: 'text/csv' }), 'regrant-template.csv');
      expect(clicked).toEqual([{ href: expect.stringMatching(/^blob:/), download: 'regrant-template.csv' }]);
      expect(document.querySelector('a[download]')).toBeNull();
      expect(revoke).not.toHaveBeenCalled();
      vi.advanceTimersByTime(60_000);
      expect(revoke).toHaveBeenCalledWith(clicked[0].href);
      click.mockRestore();
      revoke.mockRestore();
    } finally {
      vi.useRealTimers();
    }
  });
});
