/**
 * The admin command line: `regrant user add|list`, `regrant token create|list|revoke`,
 * `regrant db copy --to postgres://…`.
 * Each command prints what a person needs; a token is always the last line of output.
 */
import { parseArgs } from 'node:util';
import { AuthError, type Users } from '../auth/index.ts';
import { copyDatabase, CopyRefused } from '../db/copy.ts';
import { openDatabase, type Db } from '../db/index.ts';

export const USAGE = `Usage:
  regrant user add --email E --role admin|member [--name N]   create a user; prints its API token last
  regrant user list                                            list users
  regrant token create --email E [--label L] [--expires-in-days N]
                                                               a new API token for a user (expiring after N days); printed last
  regrant token list --email E                                 a user's tokens (never the secrets), when last used and when they expire
  regrant token revoke --id TOKEN_ID                           revoke a token
  regrant db copy --to postgres://…                            copy this SQLite database into an empty PostgreSQL one`;

/** The command was not written right: the message and the usage help. */
export class UsageError extends Error {}

/** The command was right but could not be done (the user exists already…): the message alone. */
export class CommandFailed extends Error {}

type Out = (line: string) => void;

export async function runCommand(argv: string[], users: Users, out: Out, db?: Db): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { to: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, label: { type: 'string' }, id: { type: 'string' }, 'expires-in-days': { type: 'string' } },
  });
  const [noun, verb] = positionals;
  const need = (key: 'email' | 'role' | 'id' | 'to') => {
    const v = values[key];
    if (!v) throw new UsageError(`${noun} ${verb} needs --${key}`);
    return v;
  };
  try {
    switch (`${noun} ${verb}`) {
      case 'user add': {
        const role = need('role');
        if (role !== 'admin' && role !== 'member') throw new UsageError(`--role must be admin or member (got "${role}")`);
        const { user, token } = await users.add({ email: need('email'), role, name: values.name });
        out(`Created ${user.role} ${user.email} (${user.id}). Their API token, shown only now:`);
        out(token);
        return;
      }
      case 'user list':
        for (const u of await users.list()) out(`${u.id}  ${u.role.padEnd(6)}  ${u.email}${u.name ? `  (${u.name})` : ''}`);
        return;
      case 'token create': {
        const days = values['expires-in-days'];
        if (days !== undefined && !/^\d+$/.test(days)) throw new UsageError(`--expires-in-days must be a whole number of days (got "${days}")`);
        const { id, token, expiresAt } = await users.createToken(need('email'), values.label ?? null, days === undefined ? null : Number(days));
        out(`New API token ${id} for ${values.email}${expiresAt ? `, expiring ${expiresAt}` : ''}, shown only now:`);
        out(token);
        return;
      }
      case 'token list':
        for (const t of await users.listTokens(need('email'))) {
          const expired = t.expires_at && t.expires_at <= new Date().toISOString();
          const status = t.revoked_at ? `revoked ${t.revoked_at}` : expired ? 'expired' : 'active';
          out(`${t.id}  ${status}  expires ${t.expires_at ?? 'never'}  last used ${t.last_used_at ?? 'never'}  ${t.label ?? ''}`);
        }
        return;
      case 'token revoke':
        await users.revokeToken(need('id'));
        out(`Revoked ${values.id}.`);
        return;
      case 'db copy': {
        const to = need('to');
        if (!/^postgres(ql)?:\/\//.test(to)) throw new UsageError(`--to must be a PostgreSQL URL, postgres://user:password@host:5432/regrant (got "${to.split(':')[0]}:…")`);
        if (!db) throw new UsageError('db copy needs the database to copy from');
        const target = await openDatabase(to, { poolSize: 2 });
        try {
          const copied = await copyDatabase(db, target);
          for (const t of copied) out(`${t.table}: ${t.rows} rows`);
          out(`Copied ${copied.reduce((n, t) => n + t.rows, 0)} rows of ${copied.length} tables; the row counts match.`);
          out('Secrets are still sealed with this install\'s key: give every instance SECRET_KEY set to it (the contents of DATA_DIR/secret.key, if it was generated).');
        } finally {
          await target.destroy();
        }
        return;
      }
      default:
        throw new UsageError(noun ? `unknown command "${positionals.join(' ')}"` : 'no command given');
    }
  } catch (error) {
    if (error instanceof AuthError) throw error.code === 'invalid_input' ? new UsageError(error.message) : new CommandFailed(error.message);
    if (error instanceof CopyRefused) throw new CommandFailed(error.message);
    throw error;
  }
}
