import type { ImportView } from '../../shared/api.ts';
import { IMPORT_MAX_ROWS } from '../../shared/import-fields.ts';
import { formatCount, t } from '../utils/i18n.ts';
import { countsText } from '../utils/imports.ts';
import { dayTimeText } from '../utils/time.ts';
import { DownloadButton } from './DownloadButton.tsx';
import { useAction } from './use-action.ts';

interface ChooseFileProps {
  fetchTemplate: () => Promise<Blob>;
  save: (file: Blob, name: string) => void;
  /** The file chosen is being sent and read by the server. */
  reading: boolean;
  onFile: (file: File) => void;
  /** The person's last finished import, whose results may not have been seen (or emailed). */
  last: ImportView | null;
  onShowLast: (id: string) => Promise<void>;
  now: Date;
}

/** The first step: the template, the file input, and the way back to the last import's results. */
export function ChooseFile({ fetchTemplate, save, reading, onFile, last, onShowLast, now }: ChooseFileProps) {
  return (
    <>
      <p>{t('import_intro', formatCount(IMPORT_MAX_ROWS))}</p>
      <p>
        <DownloadButton label={t('import_downloadTemplate')} name="regrant-template.csv" fetchFile={fetchTemplate} save={save} />
      </p>
      <p>
        <label for="import-file">{t('import_csvFile')}</label>{' '}
        <input
          id="import-file"
          type="file"
          accept=".csv,text/csv,text/plain"
          disabled={reading}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            // Cleared so that choosing the same file again, once fixed, is seen.
            e.currentTarget.value = '';
            if (file) onFile(file);
          }}
        />
      </p>
      {reading && (
        <p class="muted" role="status">
          {t('import_reading')}
        </p>
      )}
      {last && !reading && <LastImport view={last} now={now} onShow={onShowLast} />}
    </>
  );
}

function LastImport({ view, now, onShow }: { view: ImportView; now: Date; onShow: (id: string) => Promise<void> }) {
  const { busy, error, run } = useAction();
  return (
    <p class="last-import">
      {t('import_lastImport', dayTimeText(view.finishedAt ?? view.createdAt, now), countsText(view.counts))}{' '}
      <button type="button" disabled={busy} onClick={() => void run(() => onShow(view.id))}>
        {t('import_showLast')}
      </button>
      <span class="result error" role="status">
        {error}
      </span>
    </p>
  );
}
