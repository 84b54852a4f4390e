/**
 * Runs one import: re-reads the stored file, validates every row, and for each row not yet
 * finished decides what to do (create, update, skip), tests the row's settings with a real
 * SMTP and IMAP sign-in (at most `concurrency` at once) and hands its decision to the writer.
 * Settings are saved only once they work: a row that fails its test writes nothing, so a
 * connected mailbox is never overwritten by settings that fail and no alert goes out for a
 * typo in a file. Rows that are already finished (a resumed run) are not done again.
 *
 * @example const end = await runImport(deps, importRow, signal); // 'finished' | 'stopped' | 'incomplete'
 */
import { SIGN_IN_LABEL } from '../../shared/api.ts';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Accounts, Actor } from '../accounts/index.ts';
import { findAccountsByEmail } from '../accounts/repository.ts';
import { findUser } from '../auth/repository.ts';
import type { Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import type { AccountRow, ImportRow } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import type { Classification } from '../health/classify.ts';
import type { Health } from '../health/check.ts';
import type { Logger } from '../log/index.ts';
import type { MailboxCredentials } from '../providers/types.ts';
import { mayKnow, notYours } from '../accounts/refusals.ts';
import { tableOf } from './csv.ts';
import type { Mapping } from './fields.ts';
import { validateRows, type Candidate } from './rows.ts';
import { createWriter, type RowDecision } from './writer.ts';

export interface RunnerDeps {
  db: Db;
  sealer: Sealer;
  accounts: Accounts;
  health: Health;
  logger: Logger;
  /** Sign-in tests under way at once. */
  concurrency: number;
  /** Signs in with a row's settings: null when SMTP and IMAP both work. */
  probe: (mailbox: MailboxCredentials) => Promise<Classification | null>;
  /** Runs a sign-in test when one of the process's `concurrency` places is free (shared by all imports). */
  gate: LimitFunction;
}

/** A server that refused this many passwords of an import in a row is not tried again by it. */
export const REFUSALS_BEFORE_STOP = 10;

export const fileContext = (importId: string) => `import:${importId}:file`;


/** How a run ended: every row written, stopped by its signal, or some rows not written (tried again later). */
export type RunEnd = 'finished' | 'stopped' | 'incomplete';

export async function runImport(deps: RunnerDeps, imp: ImportRow, signal: AbortSignal): Promise<RunEnd> {
  const { db, accounts, logger } = deps;
  const table = tableOf(deps.sealer.open(imp.sealed_file!, fileContext(imp.id)));
  const mapping = JSON.parse(imp.mapping!) as Mapping;
  const updateExisting = imp.update_existing === 1;
  const user = await findUser(db, imp.user_id);
  if (!user) throw new Error(`import ${imp.id}: its user ${imp.user_id} is gone`);
  const actor: Actor = { id: user.id, role: user.role };

  const finished = new Set((await db.selectFrom('import_rows').select('line').where('import_id', '=', imp.id).execute()).map((r) => r.line));
  const todo = validateRows(table, mapping).filter((r) => !finished.has(r.line));
  const writer = createWriter({ db, accounts, health: deps.health, logger, importId: imp.id });

  const existing: Map<string, AccountRow> = await findAccountsByEmail(db, todo.filter((r) => r.candidate).map((r) => r.email));

  // Refused passwords in a row, per server: a file with the wrong column mapped to the password
  // must not hammer one server with thousands of bad sign-ins (servers ban such clients).
  const refusals = new Map<string, number>();
  const countRefusal = (c: Candidate, found: Classification | null) => {
    if (!found) {
      refusals.set(`smtp ${c.smtp.host}`, 0);
      refusals.set(`imap ${c.imap.host}`, 0);
    } else if (found.code === 'smtp_auth_failed' || found.code === 'imap_auth_failed') {
      const key = found.code === 'smtp_auth_failed' ? `smtp ${c.smtp.host}` : `imap ${c.imap.host}`;
      refusals.set(key, (refusals.get(key) ?? 0) + 1);
    }
  };

  const decide = async (line: number, c: Candidate): Promise<RowDecision> => {
    const done = (status: 'skipped' | 'failed', code: string, message: string, accountId: string | null = null): RowDecision => ({ kind: 'result', line, email: c.email, status, error: { code, message }, accountId });
    const current = existing.get(c.email);
    const input = { email: c.email, ...(c.name ? { name: c.name } : {}), ...(c.owner ? { owner: c.owner } : {}), smtp: c.smtp, imap: c.imap };
    let decision: RowDecision;
    try {
      if (current) {
        // Whose it is comes before anything else about the row: someone else's mailbox gets
        // the neutral answer a member gets for any address they cannot have.
        if (!mayKnow(actor, current.owner_id)) {
          const refused = notYours(c.email);
          return done('failed', refused.code, refused.message);
        }
        if (current.provider !== 'custom') {
          const label = SIGN_IN_LABEL[current.provider];
          return done('failed', 'oauth_mailbox', `${c.email} is a ${label} mailbox: re-grant it with "Continue with ${label}" or a share link; ${label} mailboxes are not imported with passwords`);
        }
        if (!updateExisting) return done('skipped', 'account_exists', 'already in Regrant; tick "Update inbox if it exists" to update it', current.id);
        const plan = await accounts.planUpdate(actor, current, input);
        if (!plan.patch && current.state === 'connected') return done('skipped', 'unchanged', 'already in Regrant with these settings, and connected', current.id);
        decision = { kind: 'update', line, email: c.email, current, plan };
      } else {
        decision = { kind: 'create', line, email: c.email, row: await accounts.planCreate(actor, input, { knownNew: true }) };
      }
    } catch (error) {
      if (error instanceof DomainError) return done('failed', error.code, error.message);
      throw error;
    }
    const refusing = [`smtp ${c.smtp.host}`, `imap ${c.imap.host}`].find((k) => (refusals.get(k) ?? 0) >= REFUSALS_BEFORE_STOP);
    if (refusing) {
      const host = refusing.split(' ')[1];
      return done('failed', 'too_many_refusals', `not tried: ${host} refused the last ${REFUSALS_BEFORE_STOP} sign-ins of this import, so Regrant stopped signing in there before it locks the mailboxes out. Check the file (is the right column mapped to the password?) and import the failed rows again.`);
    }
    const found = await deps.gate(() => deps.probe({ id: current?.id ?? (decision.kind === 'create' ? decision.row.id : ''), email: c.email, provider: 'custom', smtp: c.smtp, imap: c.imap, refreshToken: null }));
    countRefusal(c, found);
    if (found) {
      const kept = current?.state === 'connected' ? '; the mailbox keeps its working settings' : '';
      return done('failed', found.code, `${found.message} Nothing was saved${kept}.`, current?.id ?? null);
    }
    return decision;
  };

  // Rows are taken in file order, `concurrency` at a time; once stopped, no further row starts.
  await pLimit(Math.max(1, deps.concurrency)).map(todo, async (row) => {
    if (signal.aborted) return;
    if (!row.candidate) {
      writer.push({ kind: 'result', line: row.line, email: row.email, status: 'failed', error: row.error });
      return;
    }
    try {
      writer.push(await decide(row.line, row.candidate));
    } catch (error) {
      logger.error('import.row_failed', { import: imp.id, line: row.line, error });
      writer.push({ kind: 'result', line: row.line, email: row.email, status: 'failed', error: { code: 'internal_error', message: 'could not be processed; the server logged why' } });
    }
  });
  await writer.drain();
  if (signal.aborted) return 'stopped';
  const written = await db.selectFrom('import_rows').select((eb) => eb.fn.countAll<number>().as('n')).where('import_id', '=', imp.id).executeTakeFirstOrThrow();
  return Number(written.n) >= table.rows.length ? 'finished' : 'incomplete';
}
