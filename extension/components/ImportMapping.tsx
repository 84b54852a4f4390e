import { useRef, useState } from 'preact/hooks';
import { IMPORT_FIELDS, type ImportField, type ImportUpload } from '../../shared/api.ts';
import { IMPORT_FIELD_INFO } from '../../shared/import-fields.ts';
import { t } from '../utils/i18n.ts';
import { ApiError, problemOf } from '../utils/api.ts';
import { FIELD_LABEL, WHEN_BLANK, chosenMapping, fileSummary, initialMapping, mappingFieldOf, missingRequired, missingText, refusalText, rowsText, type Mapping } from '../utils/imports.ts';
import { dayTimeText } from '../utils/time.ts';

/** Runs the import; a refusal is thrown as an `ApiError` and shown above Start. */
export type ImportStart = (mapping: Partial<Record<ImportField, string>>, updateExisting: boolean) => Promise<void>;

/**
 * The uploaded file's first rows, and which column holds each field: preset to the server's
 * suggestion; Start refuses while a required field has no column.
 */
export function ImportMapping({ upload, now, onStart, onCancel }: { upload: ImportUpload; now: Date; onStart: ImportStart; onCancel: () => void }) {
  const [mapping, setMapping] = useState<Mapping>(() => initialMapping(upload));
  const [updateExisting, setUpdateExisting] = useState(false);
  const [problem, setProblem] = useState<{ text: string; fields: ImportField[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  /** Marks the fields at fault and takes the person to the first one. */
  function refuse(text: string, fields: ImportField[]) {
    setProblem({ text, fields });
    if (fields.length) form.current?.querySelector<HTMLSelectElement>(`#import-map-${fields[0]}`)?.focus();
  }

  function choose(field: ImportField, header: string) {
    setMapping({ ...mapping, [field]: header });
    setProblem((now) => now && { ...now, fields: now.fields.filter((f) => f !== field) });
  }

  async function start(e: Event) {
    e.preventDefault();
    const missing = missingText(mapping);
    if (missing) return refuse(missing, missingRequired(mapping));
    setBusy(true);
    setProblem(null);
    try {
      await onStart(chosenMapping(mapping), updateExisting);
    } catch (error) {
      const named = error instanceof ApiError ? error.field : undefined;
      const field = mappingFieldOf(named);
      setBusy(false);
      refuse(refusalText(problemOf(error).message, named), field ? [field] : []);
    }
  }

  return (
    <form ref={form} class="import-mapping" onSubmit={start} noValidate>
      <p>
        {fileSummary(upload)} <span class="muted">{t('import_startBefore', dayTimeText(upload.expiresAt, now))}</span>
      </p>
      <Preview upload={upload} />
      <table class="mapping">
        <caption>{t('import_mappingCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('import_colField')}</th>
            <th scope="col">{t('import_colColumn')}</th>
            <th scope="col">
              <span class="sr-only">{t('import_colNote')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {IMPORT_FIELDS.map((field) => (
            <MappingRow
              key={field}
              field={field}
              headers={upload.headers}
              header={mapping[field]}
              invalid={!!problem?.fields.includes(field)}
              onChange={(header) => choose(field, header)}
            />
          ))}
        </tbody>
      </table>
      <p class="check">
        <label>
          <input type="checkbox" checked={updateExisting} aria-describedby="import-update-hint" onChange={(e) => setUpdateExisting(e.currentTarget.checked)} /> {t('import_updateExisting')}
        </label>
        <span id="import-update-hint" class="muted">
          {t('import_updateHint')}
        </span>
      </p>
      {problem && (
        <p class="banner error" role="alert">
          {problem.text}
        </p>
      )}
      <div class="buttons">
        <button class="primary" type="submit" disabled={busy}>
          {t('import_start')}
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          {t('import_chooseAnother')}
        </button>
      </div>
    </form>
  );
}

function MappingRow({ field, headers, header, invalid, onChange }: { field: ImportField; headers: string[]; header: string; invalid: boolean; onChange: (header: string) => void }) {
  const info = IMPORT_FIELD_INFO[field];
  const blank = WHEN_BLANK[field];
  const note = info.required ? t('import_required') : blank ? (header ? t('import_blankCells', blank) : t('import_notInFile', blank)) : '';
  return (
    <tr class={invalid ? 'invalid' : undefined}>
      <th scope="row">
        <label for={`import-map-${field}`}>{FIELD_LABEL[field]}</label>
      </th>
      <td>
        <select
          id={`import-map-${field}`}
          value={header}
          aria-required={info.required ? 'true' : undefined}
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={`import-note-${field}`}
          onChange={(e) => onChange(e.currentTarget.value)}
        >
          <option value="">{t('import_noColumn')}</option>
          {headers.map((h) => (
            <option value={h}>{h}</option>
          ))}
        </select>
      </td>
      <td id={`import-note-${field}`} class={info.required ? 'required' : 'muted'}>
        {note}
      </td>
    </tr>
  );
}

/** The first rows as the server read them (passwords already masked). */
function Preview({ upload }: { upload: ImportUpload }) {
  return (
    <div class="table-scroll" role="region" aria-label={t('import_preview')} tabIndex={0}>
      <table class="preview">
        <caption>{t('import_previewCaption', upload.preview.length, rowsText(upload.total))}</caption>
        <thead>
          <tr>
            {upload.headers.map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {upload.preview.map((row) => (
            <tr>
              {upload.headers.map((h) => (
                <td>{row[h] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
