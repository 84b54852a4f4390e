import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Role } from '../../shared/api.ts';
import type { Me, MemberList, MemberView } from '../../shared/members.ts';
import type { Api } from '../utils/api.ts';
import { problemOf } from '../utils/api.ts';
import { formatCount, t } from '../utils/i18n.ts';
import { agoText } from '../utils/time.ts';
import { roleLabel } from './SignIn.tsx';
import './members.css';

type Note = { text: string; kind: 'ok' | 'error' };

/**
 * The people of the workspace, for admins, on the accounts page: invite by address with a
 * role, withdraw an invitation, change a role, remove someone (choosing who takes over their
 * mailboxes). Members see nothing of it. The server has the last word (the last admin stays):
 * its refusals are shown as they come.
 */
export function MembersSection({ deps }: { deps: { api(): Promise<Api>; now(): Date } }) {
  const [me, setMe] = useState<Me | null>(null);
  const [list, setList] = useState<MemberList | null>(null);
  const [note, setNote] = useState<Note | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);

  const load = useCallback(async () => {
    const api = await deps.api();
    const who = await api.me();
    setMe(who);
    if (who.role === 'admin') setList(await api.members());
  }, [deps]);

  useEffect(() => {
    load().catch(() => undefined); // Not signed in, or an older server: no section.
  }, [load]);

  async function act(task: (api: Api) => Promise<string>) {
    try {
      const text = await task(await deps.api());
      setNote({ text, kind: 'ok' });
      await load();
    } catch (error) {
      setNote({ text: problemOf(error).message, kind: 'error' });
    }
  }

  if (!me || me.role !== 'admin') return null;
  const now = deps.now();
  return (
    <section class="members" aria-label={t('membersHeading')}>
      <h2>{t('membersHeading')}</h2>
      <InviteForm onInvite={(email, role) => act(async (api) => {
        const invite = await api.invite(email, role);
        return t('membersInvited', invite.email, roleLabel(invite.role));
      })} />
      <p class={`result ${note?.kind ?? ''}`} role="status" aria-live="polite">
        {note?.text}
      </p>
      {!list && <p class="muted">{t('membersLoading')}</p>}
      {list && (
        <ul class="people">
          {list.members.map((m) => (
            <Person
              key={m.id}
              person={m}
              isMe={m.id === me.id}
              others={list.members.filter((o) => o.id !== m.id)}
              removing={removing === m.id}
              now={now}
              onRole={(role) => act(async (api) => {
                const changed = await api.changeRole(m.id, role);
                return t('membersRoleChanged', changed.email, roleLabel(changed.role));
              })}
              onRemoveStart={() => setRemoving(m.id)}
              onRemoveCancel={() => setRemoving(null)}
              onRemove={(owner) => act(async (api) => {
                await api.removeMember(m.id, owner);
                setRemoving(null);
                return t('membersRemoved', m.email);
              })}
            />
          ))}
        </ul>
      )}
      {list && list.invites.length > 0 && (
        <>
          <h3>{t('membersInvitesHeading')}</h3>
          <ul class="people">
            {list.invites.map((i) => (
              <li key={i.id}>
                {t('membersInviteLine', i.email, roleLabel(i.role), new Date(i.expiresAt).toLocaleDateString())}{' '}
                <button type="button" class="link" onClick={() => void act(async (api) => {
                  await api.removeMember(i.id);
                  return t('membersWithdrawn', i.email);
                })}>
                  {t('membersWithdraw', i.email)}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function InviteForm({ onInvite }: { onInvite(email: string, role: Role): Promise<void> }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  return (
    <form
      class="invite"
      onSubmit={(e) => {
        e.preventDefault();
        void onInvite(email.trim(), role).then(() => setEmail(''));
      }}
    >
      <input type="email" required aria-label={t('membersInviteEmail')} placeholder={t('membersInviteEmail')} value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      <select aria-label={t('membersInviteRole')} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
        <option value="member">{roleLabel('member')}</option>
        <option value="admin">{roleLabel('admin')}</option>
      </select>
      <button type="submit">{t('membersInviteButton')}</button>
    </form>
  );
}

function Person(p: {
  person: MemberView;
  isMe: boolean;
  others: MemberView[];
  removing: boolean;
  now: Date;
  onRole(role: Role): Promise<void>;
  onRemoveStart(): void;
  onRemoveCancel(): void;
  onRemove(ownerId: string): Promise<void>;
}) {
  const { person: m } = p;
  const [owner, setOwner] = useState(p.others.find((o) => o.role === 'admin')?.id ?? p.others[0]?.id ?? '');
  return (
    <li>
      <span class="email">{m.email}</span> {p.isMe && <span class="muted">{t('membersYou')}</span>}
      <div class="muted">{t('membersMeta', formatCount(m.mailboxes), m.lastSeenAt ? agoText(m.lastSeenAt, p.now) : t('membersNeverSeen'))}</div>
      <select aria-label={t('membersRoleOf', m.email)} value={m.role} onChange={(e) => void p.onRole(e.currentTarget.value as Role)}>
        <option value="member">{roleLabel('member')}</option>
        <option value="admin">{roleLabel('admin')}</option>
      </select>{' '}
      {!p.removing ? (
        <button type="button" onClick={p.onRemoveStart}>
          {t('membersRemove', m.email)}
        </button>
      ) : (
        <div class="confirm">
          <label>
            {t('membersOwnerOf', m.email)}{' '}
            <select value={owner} onChange={(e) => setOwner(e.currentTarget.value)}>
              {p.others.map((o) => (
                <option value={o.id}>{o.email}</option>
              ))}
            </select>
          </label>{' '}
          <button type="button" class="danger" onClick={() => void p.onRemove(owner)}>
            {t('membersConfirmRemove', m.email)}
          </button>{' '}
          <button type="button" onClick={p.onRemoveCancel}>
            {t('membersCancel')}
          </button>
        </div>
      )}
    </li>
  );
}
