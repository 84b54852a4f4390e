import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ImportUpload, ImportView } from '../../shared/api.ts';
import { ApiError, problemOf, type Api } from '../utils/api.ts';
import { t } from '../utils/i18n.ts';
import { fileProblem } from '../utils/imports.ts';
import { repeat } from '../utils/repeat.ts';
import { ChooseFile } from './ChooseFile.tsx';
import { DownloadButton } from './DownloadButton.tsx';
import { ImportMapping, type ImportStart } from './ImportMapping.tsx';
import { ImportProgress } from './ImportProgress.tsx';
import { ImportResults } from './ImportResults.tsx';
import { memo } from './memo.ts';

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
/** How often, and how many times (~2 min), a finished import is asked whether its report went out. */
export const REPORT_POLL_MS = 5000;
export const REPORT_POLL_TIMES = 24;

type Step =
  | { kind: 'choose'; reading?: boolean }
  | { kind: 'map'; upload: ImportUpload }
  | { kind: 'running'; view: ImportView }
  | { kind: 'finished'; view: ImportView };

const TITLE: Record<Step['kind'], string> = { choose: t('import_titleChoose'), map: t('import_titleMap'), running: t('import_titleRunning'), finished: t('import_titleFinished') };

/** The step still open to following another import: choosing, no file under way. */
const isIdle = (step: Step) => step.kind === 'choose' && !step.reading;

interface BulkImportProps {
  deps: BulkImportDeps;
  onFinished: () => unknown;
  pollMs?: number;
  reportPollMs?: number;
}

/**
 * Adds or updates many custom mailboxes from a CSV file: upload, match the columns, run,
 * follow the progress, then read each row's outcome and the report. Memoised, like its
 * results: typing in the accounts page's filter must not re-render 10,000 rows.
 */
export const BulkImport = memo(function BulkImport({ deps, onFinished, pollMs = IMPORT_POLL_MS, reportPollMs = REPORT_POLL_MS }: BulkImportProps) {
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [last, setLast] = useState<ImportView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  // Each time the person is back at choosing: an import still running (the page was closed or
  // reloaded meanwhile) is followed again, and the last finished one offered. A file chosen
  // before the answer wins: the answer is dropped.
  const idle = isIdle(step);
  useEffect(() => {
    if (!idle) return;
    let gone = false;
    void (async () => {
      const imports = await (await deps.api()).imports();
      if (gone) return;
      const running = imports.find((i) => i.state === 'running');
      if (running) setStep((now) => (isIdle(now) ? { kind: 'running', view: running } : now));
      setLast(imports.find((i) => i.state === 'finished') ?? null);
    })().catch(() => undefined);
    return () => {
      gone = true;
    };
  }, [idle, deps]);

  // Each step starts at its heading, so a screen reader hears where the person is.
  useEffect(() => heading.current?.focus(), [step.kind]);

  const runningId = step.kind === 'running' ? step.view.id : null;
  useEffect(() => {
    if (!runningId) return;
    return repeat(async (stopped) => {
      try {
        const api = await deps.api();
        const progress = await api.importStatus(runningId, { rows: false });
        // The rows are read once, when they are all there.
        const view = progress.state === 'finished' ? await api.importStatus(runningId) : progress;
        if (stopped.aborted) return false;
        setProblem(null);
        follow(view);
        return view.state !== 'finished';
      } catch (error) {
        if (stopped.aborted) return false;
        // A server that is down comes back; an import it no longer knows does not.
        if (error instanceof ApiError && error.code === 'request_failed') {
          setStep({ kind: 'choose' });
          setProblem(error.message);
          return false;
        }
        setProblem(t('import_stillTrying', problemOf(error).message));
        return true;
      }
    }, pollMs);
  }, [runningId, deps, pollMs]);

  // A report waiting for the mail server: its line follows, the rows shown stay as they are.
  const reportPendingId = step.kind === 'finished' && step.view.report?.state === 'pending' ? step.view.id : null;
  useEffect(() => {
    if (!reportPendingId) return;
    return repeat(
      async (stopped) => {
        const { report } = await (await deps.api()).importStatus(reportPendingId, { rows: false });
        if (stopped.aborted) return false;
        if (report?.state !== 'pending') {
          setStep((now) => (now.kind === 'finished' && now.view.id === reportPendingId ? { kind: 'finished', view: { ...now.view, report } } : now));
        }
        return report?.state === 'pending';
      },
      reportPollMs,
      REPORT_POLL_TIMES,
    );
  }, [reportPendingId, deps, reportPollMs]);

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
    setStep({ kind: 'choose', reading: true });
    try {
      setStep({ kind: 'map', upload: await (await deps.api()).uploadImport(file) });
    } catch (error) {
      setProblem(problemOf(error).message);
      setStep({ kind: 'choose' });
    }
  }

  /** An import finished earlier: its rows and report, as they were left. */
  async function showLast(id: string) {
    const view = await (await deps.api()).importStatus(id);
    setProblem(null);
    setStep((now) => (isIdle(now) ? { kind: 'finished', view } : now));
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
        <DownloadButton label={t('import_downloadReport')} name="regrant-import-report.csv" fetchFile={async () => (await deps.api()).importReport(finishedId)} save={deps.saveFile} />
      ),
    [finishedId, deps],
  );

  const again = () => {
    setProblem(null);
    setStep({ kind: 'choose' });
  };

  return (
    <section class="bulk-import" aria-labelledby="bulk-import-title">
      <h2 id="bulk-import-title">{t('import_heading')}</h2>
      <h3 ref={heading} tabIndex={-1}>
        {TITLE[step.kind]}
      </h3>
      {step.kind === 'choose' && (
        <ChooseFile
          fetchTemplate={async () => (await deps.api()).importTemplate()}
          save={deps.saveFile}
          reading={!!step.reading}
          onFile={(file) => void upload(file)}
          last={last}
          onShowLast={showLast}
          now={deps.now()}
        />
      )}
      {step.kind === 'map' && <ImportMapping upload={step.upload} now={deps.now()} onStart={start} onCancel={again} />}
      {step.kind === 'running' && <ImportProgress view={step.view} />}
      {step.kind === 'finished' && (
        <>
          <ImportResults view={step.view} downloadReport={downloadReport} />
          <p>
            <button type="button" class="primary" onClick={again}>
              {t('import_again')}
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
