import type { ComponentChildren } from 'preact';
import { Address } from './Address.tsx';
import { memo } from './memo.ts';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { IMPORT_ROW_STATUSES, type ImportRowView, type ImportView } from '../../shared/api.ts';
import { STATE_LABEL } from '../utils/accounts.ts';
import { formatCount, t, uiLanguage } from '../utils/i18n.ts';
import { MORE_ROWS, ROW_STATUS_LABEL, SHOWN_ROWS, countsText, reportText, rowsText, rowsWith, type RowFilter } from '../utils/imports.ts';

const FILTERS: RowFilter[] = ['all', ...IMPORT_ROW_STATUSES];

/**
 * A finished import: how many rows became what, each row's outcome with a filter by status,
 * and where the report went. Long files show their first rows, then more at each ask: 10,000
 * rows at once would freeze the page. Memoised: the accounts page around it re-renders often.
 */
export const ImportResults = memo(function ImportResults({ view, downloadReport }: { view: ImportView; downloadReport: ComponentChildren }) {
  const [filter, setFilter] = useState<RowFilter>('all');
  const [limit, setLimit] = useState(SHOWN_ROWS);
  // The first row "Show more" added takes focus, so that the person reads on from there.
  const firstAdded = useRef<number | null>(null);
  const body = useRef<HTMLTableSectionElement>(null);
  const rowCount = useMemo(() => {
    const count = { all: view.rows.length, created: 0, updated: 0, skipped: 0, failed: 0 } satisfies Record<RowFilter, number>;
    for (const row of view.rows) count[row.status] += 1;
    return count;
  }, [view.rows]);
  const rows = useMemo(() => rowsWith(view.rows, filter), [view.rows, filter]);
  const shown = rows.slice(0, limit);
  const report = reportText(view.report);

  useEffect(() => {
    if (firstAdded.current === null) return;
    (body.current?.children[firstAdded.current] as HTMLElement | undefined)?.focus();
    firstAdded.current = null;
  }, [limit]);
  const showMore = () => {
    firstAdded.current = shown.length;
    setLimit(limit + MORE_ROWS);
  };

  return (
    <div class="import-results">
      <p class="summary" role="status">
        {t('import_summary', countsText(view.counts))}
      </p>
      <p class="report">
        {report && <span>{report} </span>}
        {downloadReport}
      </p>
      <div class="filters" role="group" aria-label={t('import_showRows')}>
        {FILTERS.map((f) => (
          <button
            type="button"
            aria-pressed={f === filter ? 'true' : 'false'}
            onClick={() => {
              setFilter(f);
              setLimit(SHOWN_ROWS);
            }}
          >
            {t('import_filterCount', f === 'all' ? t('import_filterAll') : ROW_STATUS_LABEL[f], formatCount(rowCount[f]))}
          </button>
        ))}
      </div>
      {rows.length === 0 ? (
        <p class="muted">{filter === 'all' ? t('import_noRowInFile') : t('import_noRowWith', ROW_STATUS_LABEL[filter].toLocaleLowerCase(uiLanguage()))}</p>
      ) : (
        <div class="table-scroll" role="region" aria-label={t('import_rowsOfFile')} tabIndex={0}>
          <table class="results">
            <thead>
              <tr>
                <th scope="col">{t('import_colLine')}</th>
                <th scope="col">{t('import_colEmail')}</th>
                <th scope="col">{t('import_colResult')}</th>
                <th scope="col">{t('import_colMailbox')}</th>
                <th scope="col">{t('import_colReason')}</th>
              </tr>
            </thead>
            <tbody ref={body}>
              {shown.map((row) => (
                <ResultRow key={row.line} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown.length < rows.length && (
        <p>
          <span class="muted">{t('import_showingFirst', formatCount(shown.length), rowsText(rows.length))} </span>
          <button type="button" onClick={showMore}>
            {t('import_showMore', formatCount(Math.min(MORE_ROWS, rows.length - shown.length)))}
          </button>
        </p>
      )}
    </div>
  );
});

function ResultRow({ row }: { row: ImportRowView }) {
  return (
    <tr tabIndex={-1}>
      <td>{row.line}</td>
      <td class="email">
        <Address email={row.email} />
      </td>
      <td class={`status ${row.status}`}>{ROW_STATUS_LABEL[row.status]}</td>
      <td>{row.state && <span class={`state ${row.state}`}>{STATE_LABEL[row.state]}</span>}</td>
      <td>{row.error?.message}</td>
    </tr>
  );
}
