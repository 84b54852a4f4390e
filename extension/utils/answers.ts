/**
 * The server's answers, checked against the shared schemas (shared/responses.ts) before the
 * extension uses them: a server of another version, a proxy's page or a compromised server
 * cannot put a half-shaped value into the popup. A status row that does not fit is left out
 * (and counted), so one bad row never blanks the list of the others.
 *
 * @example
 *   const status = checkedStatus(await res.json()); // null when it is not a status at all
 *   const link = checked(oneTimeLinkSchema, data);   // null when it does not fit
 */
import type { StatusResponse } from '../../shared/api.ts';
import { accountStatusSchema, statusCountsSchema } from '../../shared/responses.ts';

/** What the checks need of a schema: zod's `safeParse`. */
export interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/** `value` as the schema reads it, or null when it does not fit. */
export function checked<T>(schema: Schema<T>, value: unknown): T | null {
  const result = schema.safeParse(value);
  return result.success ? result.data : null;
}

/** A status answer with the rows that fit; `skipped` counts those left out. null: not a status answer. */
export function checkedStatus(value: unknown): (StatusResponse & { skipped: number }) | null {
  const v = value as { counts?: unknown; accounts?: unknown } | null;
  if (!v || typeof v !== 'object' || !Array.isArray(v.accounts)) return null;
  const counts = checked(statusCountsSchema, v.counts);
  if (!counts) return null;
  const accounts = v.accounts.map((row) => checked(accountStatusSchema, row)).filter((row) => row !== null);
  return { ...(value as object), counts, accounts, skipped: v.accounts.length - accounts.length };
}
