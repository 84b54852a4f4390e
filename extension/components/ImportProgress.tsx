import type { ImportView } from '../../shared/api.ts';
import { t } from '../utils/i18n.ts';
import { progressStepText, progressText } from '../utils/imports.ts';

/**
 * A running import: the bar and its words follow every poll; a screen reader hears only each
 * tenth (the end is told by the next step's heading taking focus).
 */
export function ImportProgress({ view }: { view: Pick<ImportView, 'done' | 'total'> }) {
  return (
    <div class="import-progress">
      <label for="import-progress">{t('import_rowsImported')}</label>
      <progress id="import-progress" max={view.total} value={view.done} aria-describedby="import-progress-text" />
      <p id="import-progress-text">{progressText(view)}</p>
      <p class="sr-only" role="status" aria-live="polite">
        {progressStepText(view)}
      </p>
    </div>
  );
}
