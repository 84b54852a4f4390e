import { memo } from './memo.ts';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ImportUpload, ImportView } from '../../shared/api.ts';
import { IMPORT_MAX_ROWS } from '../../shared/import-fields.ts';
import { ApiError, problemOf, type Api } from '../utils/api.ts';
import { fileProblem } from '../utils/imports.ts';
import { DownloadButton } from './DownloadButton.tsx';
import { ImportMapping, type ImportStart } from './ImportMapping.tsx';
import { ImportProgress } from './ImportProgress.tsx';
import { ImportResults } from './ImportResults.tsx';

export interface BulkImportDeps {
  api(): Promise<Api>;
  /** Lets the badge and popup follow the imported mailboxes at once. */
  pollNow(): Promise<unknown>;
  /** Saves a fetched file to the person's downloads. */
  saveFile(file: Blob, name: string): void;
  now(): Date;
}

/** How often a running import is asked how far it got. */
export const IMPORT_POLL_MS = 1000;

type Step =
  | { kind: 'choose' }
  | { kind: 'map'; upload: ImportUpload }
  | { kind: 'running'; view: ImportView }
  | { kind: 'finished'; view: ImportView };

const TITLE: Record<Step['kind'], string> = { choose: 'Choose a CSV file', map: 'Match the columns', running: 'Importing…', finished: 'Import finished' };

/**
 * Adds or updates many custom mailboxes from a CSV file: upload, match the columns, run,
 * follow the progress, then read each row's outcome and the report. Memoised, like its
 * results: typing in the accounts page's filter must not re-render 10,000 rows.
 */
export const BulkImport = memo(function BulkImport({ deps, onFinished, pollMs = IMPORT_POLL_MS }: { deps: BulkImportDeps; onFinished: () => unknown; pollMs?: number }) {
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [problem, setProblem] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  // An import still running (the page was closed or reloaded meanwhile) is followed again.
  useEffect(() => {
    let gone = false;
    void (async () => {
      const running = (await (await deps.api()).imports()).find((i) => i.state === 'running');
      if (running && !gone) setStep((now) => (now.kind === 'choose' ? { kind: 'running', view: running } : now));
    })().catch(() => undefined);
    return () => {
      gone = true;
    };
  }, [deps]);

  // Each step starts at its heading, so a screen reader hears where the person is.
  useEffect(() => heading.current?.focus(), [step.kind]);

  const runningId = step.kind === 'running' ? step.view.id : null;
  useEffect(() => {
    if (!runningId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const ask = async () => {
      try {
        const api = await deps.api();
        const progress = await api.importStatus(runningId, { rows: false });
        // The rows are read once, when they are all there.
        const view = progress.state === 'finished' ? await api.importStatus(runningId) : progress;
        if (stopped) return;
        setProblem(null);
        follow(view);
        if (view.state !== 'finished') timer = setTimeout(ask, pollMs);
      } catch (error) {
        if (stopped) return;
        // A server that is down comes back; an import it no longer knows does not.
        if (error instanceof ApiError && error.code === 'request_failed') {
          setStep({ kind: 'choose' });
          setProblem(error.message);
        } else {
          setProblem(`${problemOf(error).message} Still trying…`);
          timer = setTimeout(ask, pollMs);
        }
      }
    };
    timer = setTimeout(ask, pollMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [runningId, deps, pollMs]);

  function follow(view: ImportView) {
    if (view.state !== 'finished') return setStep({ kind: 'running', view });
    setStep({ kind: 'finished', view });
    void deps.pollNow().catch(() => undefined);
    void onFinished();
  }

  async function upload(file: File) {
    const tooBig = fileProblem(file);
    setProblem(tooBig);
    if (tooBig) return;
    setReading(true);
    try {
      setStep({ kind: 'map', upload: await (await deps.api()).uploadImport(file) });
    } catch (error) {
      setProblem(problemOf(error).message);
    } finally {
      setReading(false);
    }
  }

  const start: ImportStart = async (mapping, updateExisting) => {
    if (step.kind !== 'map') return;
    const api = await deps.api();
    try {
      follow(await api.runImport(step.upload.id, mapping, updateExisting));
    } catch (error) {
      // Started already (another click, another tab): follow that run instead.
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      follow(await api.importStatus(step.upload.id));
    }
  };

  const finishedId = step.kind === 'finished' ? step.view.id : null;
  // The same button while the import is shown, so that the memoised results keep their rows.
  const downloadReport = useMemo(
    () =>
      finishedId && (
        <DownloadButton label="Download report" name="regrant-import-report.csv" fetchFile={async () => (await deps.api()).importReport(finishedId)} save={deps.saveFile} />
      ),
    [finishedId, deps],
  );

  const again = () => {
    setProblem(null);
    setStep({ kind: 'choose' });
  };

  return (
    <section class="bulk-import" aria-labelledby="bulk-import-title">
      <h2 id="bulk-import-title">Add mailboxes in bulk</h2>
      <h3 ref={heading} tabIndex={-1}>
        {TITLE[step.kind]}
      </h3>
      {step.kind === 'choose' && (
        <>
          <p>
            One custom (SMTP/IMAP) mailbox a row, up to {IMPORT_MAX_ROWS.toLocaleString('en')} rows. Start from the template, or from any CSV file with a header row: you
            match its columns next.
          </p>
          <p>
            <DownloadButton label="Download the template" name="regrant-template.csv" fetchFile={async () => (await deps.api()).importTemplate()} save={deps.saveFile} />
          </p>
          <p>
            <label for="import-file">CSV file</label>{' '}
            <input
              id="import-file"
              type="file"
              accept=".csv,text/csv,text/plain"
              disabled={reading}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                // Cleared so that choosing the same file again, once fixed, is seen.
                e.currentTarget.value = '';
                if (file) void upload(file);
              }}
            />
          </p>
          {reading && (
            <p class="muted" role="status">
              Reading the file…
            </p>
          )}
        </>
      )}
      {step.kind === 'map' && <ImportMapping upload={step.upload} now={deps.now()} onStart={start} onCancel={again} />}
      {step.kind === 'running' && <ImportProgress view={step.view} />}
      {step.kind === 'finished' && (
        <>
          <ImportResults view={step.view} downloadReport={downloadReport} />
          <p>
            <button type="button" class="primary" onClick={again}>
              Import another file
            </button>
          </p>
        </>
      )}
      {problem && (
        <p class="banner error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
});
