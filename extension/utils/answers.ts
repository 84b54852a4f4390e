/**
 * The server's answers, checked against the shared schemas (shared/responses.ts) before the
 * extension uses them: a server of another version, a proxy's page or a compromised server
 * cannot put a half-shaped value into the popup. A status row that does not fit is left out
 * (and counted), so one bad row never blanks the list of the others.
 *
 * The schemas (and zod, ~95 KB) are loaded on the first check, not with the page: the popup
 * renders from the background's cached status and needs them only for Re-grant or Copy link.
 *
 * @example
 *   const status = await checkedStatus(await res.json()); // null when it is not a status at all
 *   const link = await checked((s) => s.oneTimeLinkSchema, data); // null when it does not fit
 */
import type { StatusDelta, StatusResponse } from '../../shared/api.ts';

export type Schemas = typeof import('../../shared/responses.ts');

/** What the checks need of a schema: zod's `safeParse`. */
export interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

let loading: Promise<Schemas> | null = null;
const schemas = () => (loading ??= import('../../shared/responses.ts'));

/** `value` as the chosen schema reads it, or null when it does not fit. */
export async function checked<T>(pick: (s: Schemas) => Schema<T>, value: unknown): Promise<T | null> {
  const result = pick(await schemas()).safeParse(value);
  return result.success ? result.data : null;
}

/**
 * A status answer (or, when `delta` allows it, a delta) with the rows that fit; `skipped` counts
 * those left out. null: not a status answer at all.
 */
export async function checkedStatus(value: unknown): Promise<(StatusResponse & { skipped: number }) | null>;
export async function checkedStatus(value: unknown, options: { delta: boolean }): Promise<((StatusResponse | StatusDelta) & { skipped: number }) | null>;
export async function checkedStatus(value: unknown, { delta = false } = {}): Promise<((StatusResponse | StatusDelta) & { skipped: number }) | null> {
  const v = value as { counts?: unknown; accounts?: unknown; changed?: unknown; removed?: unknown } | null;
  if (!v || typeof v !== 'object') return null;
  const isDelta = delta && Array.isArray(v.changed) && Array.isArray(v.removed);
  const rows = isDelta ? v.changed : v.accounts;
  if (!Array.isArray(rows)) return null;
  const { statusCountsSchema, accountStatusSchema } = await schemas();
  const counts = statusCountsSchema.safeParse(v.counts);
  if (!counts.success) return null;
  const fit = rows.flatMap((row) => {
    const parsed = accountStatusSchema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
  const skipped = rows.length - fit.length;
  if (isDelta) {
    const removed = (v.removed as unknown[]).filter((id): id is string => typeof id === 'string');
    return { ...(value as StatusDelta), counts: counts.data, changed: fit, removed, skipped };
  }
  return { ...(value as object), counts: counts.data, accounts: fit, skipped } as StatusResponse & { skipped: number };
}
