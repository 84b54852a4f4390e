/**
 * Mailboxes as the people who own them see them: create, list, read, change, remove.
 * Members reach only their own accounts (anything else is "not found"); admins reach all.
 * Passwords are sealed before they are written and never leave this module in a view.
 * accounts/ is the only writer of the `accounts` table: every change of a mailbox's state
 * goes through `transition` (transition.ts), other modules read through repository.ts.
 *
 * @example
 *   const view = await accounts.create(actor, { email, smtp, imap });
 *   await db.transaction().execute((trx) => accounts.transition(trx, row, { kind: 'signin', failures: [] }));
 */
import type { AccountEvent, AccountView, Reason, StatusDelta, StatusResponse } from '../../shared/api.ts';
import type { CreateAccountInput, ServerSettingsInput, UpdateAccountInput } from '../../shared/schemas.ts';
import type { AuthUser } from '../auth/index.ts';
import { findUser, findUserByEmail } from '../auth/repository.ts';
import { markStatusChange } from './status-stamp.ts';
import type { Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { AccountRow, AccountUpdate, NewAccountRow } from '../db/schema.ts';
import type { AlertDraft } from '../notify/index.ts';
import { DomainError } from '../errors.ts';
import type { HostGuard } from '../net/index.ts';
import type { MailboxCredentials, ServerSettings } from '../providers/types.ts';
import { newAccountRow } from './new-row.ts';
import { readStatus } from './status.ts';
import { notYours, mayKnow } from './refusals.ts';
import { findAccount, findAccountByEmail } from './repository.ts';
import { createTransitions, type Finding, type TransitionDeps, type TransitionOptions } from './transition.ts';
import { accountView, reasonOf } from './view.ts';
import { pendingCounts, WAITING } from '../outbox/queue.ts';
import { keepRemovedMessages } from './removed-messages.ts';

export type Actor = Pick<AuthUser, 'id' | 'role'>;

/** A change of settings ready to write; `patch` null: the same values again, nothing to write. */
export interface UpdatePlan {
  patch: AccountUpdate | null;
  credentialsChanged: boolean;
  /** The new settings of each side that changed: what a sign-in test must pass before they are saved. */
  changed: Partial<Record<'smtp' | 'imap', ServerSettings>>;
}

/** Signs in to one side with settings not saved yet: null when it works, else why not. */
export type SignInTest = (part: 'smtp' | 'imap', settings: ServerSettings) => Promise<Reason | null>;

export interface AccountsDeps {
  db: Db;
  sealer: Sealer;
  checkIntervalSeconds: number;
  /** Records the emails a transition sends (alerts, reconnection notices) in its transaction. */
  notifier: { record(trx: Db, draft: AlertDraft): Promise<void> };
  workspaceName: string;
  /** A number in [0, 1) to spread checks; Math.random unless given. */
  random?: () => number;
  /** Refuses mail hosts on internal networks (ALLOW_PRIVATE_HOSTS opens ranges). */
  hosts: Pick<HostGuard, 'assertMailHost'>;
  /** MAX_MAILBOXES_PER_MEMBER (500 unless given). */
  maxMailboxesPerMember?: number;
  /** Records the webhook deliveries of a state change in its transaction. */
  webhooks?: TransitionDeps['webhooks'];
  links?: TransitionDeps['links'];
  /** The sign-in test new settings pass before they replace working ones (health/login-test.ts). */
  signIn: SignInTest;
}

const secretContext = (accountId: string, field: string) => `${accountId}:${field}`;

const SETTING_KEYS = ['host', 'port', 'security', 'username', 'password'] as const;

export function createAccounts({ db, sealer, checkIntervalSeconds, notifier, workspaceName, random, hosts, maxMailboxesPerMember = 500, webhooks, links, signIn }: AccountsDeps) {
  const transitions = createTransitions({ notifier, intervalSeconds: checkIntervalSeconds, random, workspaceName, maxMailboxesPerMember, webhooks, links });
  const visible = (actor: Actor) => {
    let q = db.selectFrom('accounts');
    if (actor.role !== 'admin') q = q.where('accounts.owner_id', '=', actor.id);
    return q;
  };

  async function row(actor: Actor, id: string): Promise<AccountRow> {
    const found = await visible(actor).selectAll().where('id', '=', id).executeTakeFirst();
    if (!found) throw new DomainError('not_found', `no account ${id}`);
    return found;
  }

  async function view(found: AccountRow): Promise<AccountView> {
    const owner = await findUser(db, found.owner_id);
    if (!owner) throw new Error(`account ${found.id} has no owner ${found.owner_id}`);
    const pending = await db.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', found.id).where('state', 'in', WAITING).executeTakeFirstOrThrow();
    return accountView(found, { id: owner.id, email: owner.email }, Number(pending.n));
  }

  async function resolveOwner(actor: Actor, ownerEmail: string | undefined): Promise<string> {
    if (!ownerEmail) return actor.id;
    const owner = await findUserByEmail(db, ownerEmail);
    if (!owner) throw new DomainError('invalid_input', `owner: there is no Regrant user ${ownerEmail}`, 'owner');
    if (owner.id !== actor.id && actor.role !== 'admin') {
      throw new DomainError('forbidden', 'owner: only an admin can give a mailbox to someone else', 'owner');
    }
    return owner.id;
  }

  function sealedSettings(id: string, part: 'smtp' | 'imap', s: ServerSettingsInput) {
    return {
      [`${part}_host`]: s.host,
      [`${part}_port`]: s.port,
      [`${part}_security`]: s.security,
      [`${part}_username`]: s.username,
      [`${part}_password`]: sealer.seal(s.password, secretContext(id, `${part}_password`)),
    } as Partial<AccountRow>;
  }

  function openSettings(r: AccountRow, part: 'smtp' | 'imap'): ServerSettings | null {
    const sealed = r[`${part}_password`];
    if (!r[`${part}_host`] || !sealed) return null;
    return {
      host: r[`${part}_host`]!,
      port: r[`${part}_port`]!,
      security: r[`${part}_security`]!,
      username: r[`${part}_username`]!,
      password: sealer.open(sealed, secretContext(r.id, `${part}_password`)),
    };
  }

  /** The row of a new custom mailbox, settings sealed; refused if the address is already known. */
  /** `knownNew`: the caller already looked the address up (an import does, for all its rows at once). */
  async function planCreate(actor: Actor, input: CreateAccountInput, { knownNew = false } = {}): Promise<NewAccountRow> {
    // Whose the address is comes first: a member hears nothing else about someone else's mailbox.
    // The unique address is checked again when the row is written; this is for a clear word early.
    const exists = !knownNew && (await db.selectFrom('accounts').select(['id', 'owner_id']).where('email', '=', input.email).executeTakeFirst());
    if (exists && !mayKnow(actor, exists.owner_id)) throw notYours(input.email);
    if (exists) throw new DomainError('account_exists', `a mailbox ${input.email} already exists in Regrant`, 'email');
    const ownerId = await resolveOwner(actor, input.owner);
    await hosts.assertMailHost('smtp.host', input.smtp.host);
    await hosts.assertMailHost('imap.host', input.imap.host);
    const id = newId('acc');
    const now = new Date().toISOString();
    return {
      ...newAccountRow({ id, email: input.email, name: input.name, ownerId, provider: 'custom', now }),
      ...sealedSettings(id, 'smtp', input.smtp),
      ...sealedSettings(id, 'imap', input.imap),
    };
  }

  /** What a change of `current` writes: `patch` is null when nothing would change. */
  async function planUpdate(actor: Actor, current: AccountRow, input: UpdateAccountInput): Promise<UpdatePlan> {
    const patch: AccountUpdate = { updated_at: new Date().toISOString() };
    let changes = false;
    if (input.name !== undefined && input.name !== current.name) {
      patch.name = input.name;
      changes = true;
    }
    if (input.owner !== undefined) {
      const ownerId = await resolveOwner(actor, input.owner);
      if (ownerId !== current.owner_id) {
        patch.owner_id = ownerId;
        changes = true;
      }
    }
    let credentialsChanged = false;
    const changed: UpdatePlan['changed'] = {};
    for (const part of ['smtp', 'imap'] as const) {
      const given = input[part];
      if (!given || Object.keys(given).length === 0) continue;
      if (current.provider !== 'custom') {
        throw new DomainError('invalid_input', `${part}: ${current.provider} mailboxes have no ${part.toUpperCase()} settings to change`, part);
      }
      const before = openSettings(current, part);
      // The saved password goes only where it went before: moving it to another server or
      // user needs the password typed again, or a member could collect one they never saw.
      const moved = before && (['host', 'port', 'security', 'username'] as const).some((k) => given[k] !== undefined && given[k] !== before[k]);
      if (moved && given.password === undefined) {
        throw new DomainError('invalid_input', `${part}.password: enter the password again when you change the server, port, security or username`, `${part}.password`);
      }
      const merged = { ...before, ...given };
      for (const key of ['host', 'port', 'security', 'username', 'password'] as const) {
        if (merged[key] === undefined) throw new DomainError('invalid_input', `${part}.${key}: is required`, `${part}.${key}`);
      }
      // The same settings again are no change: a dead password stays parked, not re-tried.
      if (before && SETTING_KEYS.every((k) => merged[k] === before[k])) continue;
      await hosts.assertMailHost(`${part}.host`, merged.host!);
      Object.assign(patch, sealedSettings(current.id, part, merged as ServerSettingsInput));
      changed[part] = merged as ServerSettings;
      credentialsChanged = true;
    }
    if (credentialsChanged) {
      // New settings deserve a check soon, even if the old ones were dead and parked.
      Object.assign(patch, { next_check_at: new Date().toISOString(), slow_retries: 0, transient_failures: 0 });
    }
    return { patch: changes || credentialsChanged ? patch : null, credentialsChanged, changed };
  }

  /**
   * Writes a planned change inside `trx` through the state machine: a change of settings, or
   * (an import) settings whose sign-in was tested, with `finding` saying so. Answers what
   * `transition` answers; `after` is null when the row changed since `current` was read.
   */
  async function applyUpdate(trx: Db, current: AccountRow, plan: UpdatePlan, finding?: Finding, opts: TransitionOptions = {}) {
    const patch = plan.patch ?? {};
    // A member given a mailbox by an admin is held to MAX_MAILBOXES_PER_MEMBER too.
    if (patch.owner_id && patch.owner_id !== current.owner_id) await transitions.assertRoom(trx, [patch.owner_id]);
    const t = await transitions.transition(trx, current, finding ?? { kind: 'settings', credentialsChanged: plan.credentialsChanged }, { ...opts, set: patch });
    if (t.after && patch.owner_id && patch.owner_id !== current.owner_id) {
      // The new owner sees it from now on; the former one no longer does.
      await markStatusChange(trx, [current.owner_id, patch.owner_id], 'hard', checkIntervalSeconds, { accounts: [current.id], removed: [{ id: current.id, ownerId: current.owner_id }] });
      // Share links and sign-ins under way speak for the previous owner: they end with the hand-over.
      const now = patch.updated_at ?? new Date().toISOString();
      await trx.updateTable('share_links').set({ revoked_at: now }).where('account_id', '=', current.id).where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
      await trx.updateTable('oauth_attempts').set({ finished_at: now, outcome: 'owner_changed' }).where('account_id', '=', current.id).where('finished_at', 'is', null).execute();
    }
    return t;
  }

  /**
   * New settings replace saved ones only when their sign-in works: a failing test, or one that
   * could not reach the server, refuses the change with its reason and writes nothing, so a
   * connected mailbox stays connected on its old settings.
   */
  async function assertSignIn(current: Pick<AccountRow, 'state'> | null, plan: Pick<UpdatePlan, 'changed'>): Promise<void> {
    for (const part of ['smtp', 'imap'] as const) {
      const settings = plan.changed[part];
      if (!settings) continue;
      const reason = await signIn(part, settings);
      if (!reason) continue;
      const kept = current?.state === 'connected' ? ' The mailbox stays connected with its saved settings.' : '';
      const side = part === 'smtp' ? 'sending (SMTP)' : 'receiving (IMAP)';
      throw new DomainError('signin_failed', `The new ${side} settings did not work, so nothing was saved: ${reason.message}${reason.hint ? ` ${reason.hint}` : ''}${kept}`, part);
    }
  }

  return {
    /**
     * Creates a custom mailbox. With `test`, both sign-ins are tried first: a failing one
     * refuses it (nothing saved), and passing ones save it connected at once.
     */
    async create(actor: Actor, input: CreateAccountInput, { test = false } = {}): Promise<AccountView> {
      const r = await planCreate(actor, input);
      if (test) await assertSignIn(null, { changed: { smtp: input.smtp, imap: input.imap } });
      try {
        await db.transaction().execute((trx) => transitions.admit(trx, [r], test ? { kind: 'signin', failures: [] } : null));
      } catch (error) {
        // Someone added the address a moment ago: a member is told no more than before.
        const taken = error instanceof DomainError && error.code === 'account_exists' && (await findAccountByEmail(db, input.email));
        if (taken && !mayKnow(actor, taken.owner_id)) throw notYours(input.email);
        throw error;
      }
      return view((await findAccount(db, r.id))!);
    },

    planCreate,
    /** Writes new mailboxes inside `trx` (see transition.ts). */
    admit: transitions.admit,
    /** The one writer of a mailbox's state (see transition.ts). */
    transition: transitions.transition,

    async list(actor: Actor): Promise<AccountView[]> {
      const rows = await visible(actor)
        .innerJoin('users', 'users.id', 'accounts.owner_id')
        .selectAll('accounts')
        .select(['users.email as owner_email'])
        .orderBy('accounts.email')
        .execute();
      const pending = await pendingCounts(db);
      return rows.map(({ owner_email, ...r }) => accountView(r, { id: r.owner_id, email: owner_email }, pending.get(r.id) ?? 0));
    },

    async get(actor: Actor, id: string): Promise<AccountView> {
      return view(await row(actor, id));
    },

    /** The row itself, for modules that act on an account the actor may see. */
    row,

    async update(actor: Actor, id: string, input: UpdateAccountInput): Promise<AccountView> {
      const current = await row(actor, id);
      const plan = await planUpdate(actor, current, input);
      await assertSignIn(current, plan);
      // Nothing to write: the same values again leave the row (and a parked dead password) alone.
      if (plan.patch) await db.transaction().execute((trx) => applyUpdate(trx, current, plan));
      return view((await findAccount(db, id)) ?? current);
    },

    planUpdate,
    applyUpdate,

    /** Removes a mailbox; the emails it held are dropped and answer `failed`, `mailbox_removed` from then on. */
    async remove(actor: Actor, id: string): Promise<void> {
      const current = await row(actor, id);
      await db.transaction().execute(async (trx) => {
        await keepRemovedMessages(trx, current, new Date().toISOString());
        await trx.deleteFrom('accounts').where('id', '=', id).execute();
        await markStatusChange(trx, current.owner_id, 'hard', checkIntervalSeconds, { removed: [{ id, ownerId: current.owner_id }] });
      });
    },

    /** State changes, newest first; with `trouble`, the checks that failed without changing the state too. */
    async events(actor: Actor, id: string, { trouble = false } = {}): Promise<AccountEvent[]> {
      await row(actor, id);
      let query = db.selectFrom('account_events').selectAll().where('account_id', '=', id);
      if (!trouble) query = query.where('kind', '=', 'state');
      const rows = await query.orderBy('id', 'desc').limit(500).execute();
      return rows.map((e) => ({
        id: e.id,
        kind: e.kind,
        at: e.at,
        from: e.from_state,
        to: e.to_state,
        reason: reasonOf({ reason_code: e.reason_code, reason_message: e.message, reason_hint: e.hint }),
        detail: e.detail,
      }));
    },

    /** `GET /api/status`: the full list, or with `since` what changed since that version (see status.ts). */
    status: (actor: Actor, since: number | null = null): Promise<StatusResponse | StatusDelta> => readStatus(db, actor, since),

    /** Seals an OAuth refresh token for the account `id`, ready to be written. */
    sealRefreshToken(id: string, token: string): string {
      return sealer.seal(token, secretContext(id, 'oauth_refresh_token'));
    },

    /**
     * Keeps a refresh token the provider rotated during a check, unless the grant changed
     * meanwhile (a re-grant wins). Leaves `updated_at` alone: this is not a settings change.
     */
    async storeRotatedRefreshToken(r: AccountRow, token: string): Promise<void> {
      if (!r.oauth_refresh_token) return;
      await db
        .updateTable('accounts')
        .set({ oauth_refresh_token: sealer.seal(token, secretContext(r.id, 'oauth_refresh_token')) })
        .where('id', '=', r.id)
        .where('oauth_refresh_token', '=', r.oauth_refresh_token)
        .execute();
    },

    /** Opens an account's secrets for a provider. Only the health engine and senders call this. */
    credentials(r: AccountRow): MailboxCredentials {
      return {
        id: r.id,
        email: r.email,
        provider: r.provider,
        smtp: openSettings(r, 'smtp'),
        imap: openSettings(r, 'imap'),
        refreshToken: r.oauth_refresh_token ? sealer.open(r.oauth_refresh_token, secretContext(r.id, 'oauth_refresh_token')) : null,
      };
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
