/**
 * The demo's console commands, one function for the keyboard and for the second terminal:
 * `run('break sales', say)` does it and says what happened, line by line.
 *
 * @example
 *   const commands = createCommands({ world, seeded, quit });
 *   await commands.run('list', console.log);
 */
import type { AccountState, AccountStatus, AccountView, StatusResponse } from '../shared/api.ts';
import type { DemoMailbox } from './cast.ts';
import { breakMailbox, fixMailbox } from './mailbox-actions.ts';
import { HELP, kindWords, mailboxList, stateWords } from './print.ts';
import type { Seeded } from './seed.ts';
import type { World } from './world.ts';

export interface CommandDeps {
  world: World;
  seeded: Seeded;
  /** Stops the demo (after the answer has been said). */
  quit(): void;
}

type Say = (text: string) => void;

const HELD_WHILE: Record<AccountState, string> = { needs_reauth: 'it needs re-authentication', unreachable: 'it is unreachable', new: 'it has not been checked yet', connected: 'it is connected' };

export function createCommands({ world, seeded, quit }: CommandDeps) {
  const { admin } = seeded;
  const status = async () => (await (await admin.get('/api/status')).json()) as StatusResponse;
  const idOf = (m: DemoMailbox) => seeded.ids.get(m.email)!;
  const describe = (a: Pick<AccountStatus, 'email' | 'provider' | 'state' | 'reason'>) =>
    `${a.email} (${kindWords(a.provider)}): ${stateWords(a.state)}${a.reason && a.state !== 'connected' ? `. ${a.reason.message}` : ''}`;

  /** A mailbox by address, the part before @, or its number in the list. */
  function find(arg: string | undefined): DemoMailbox {
    if (!arg) throw new UsageError('Which mailbox? Give its address, the part before @, or its number in the list.');
    const wanted = arg.toLowerCase();
    const found = /^\d+$/.test(wanted) ? world.cast[Number(wanted) - 1] : world.cast.find((m) => m.email === wanted || m.email.split('@')[0] === wanted);
    if (!found) throw new UsageError(`No mailbox "${arg}" in the demo. Type list to see them.`);
    return found;
  }

  async function check(m: DemoMailbox): Promise<AccountView> {
    const res = await admin.post(`/api/accounts/${idOf(m)}/check`);
    if (res.status !== 200) throw new Error(`the check of ${m.email} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as AccountView;
  }

  const commands: Record<string, (args: string[], say: Say) => Promise<void>> = {
    async help(_args, say) {
      say(HELP);
    },
    async list(_args, say) {
      say(mailboxList((await status()).accounts, world.cast, world.passwords));
    },
    async break([arg], say) {
      const m = find(arg);
      const before = (await status()).accounts.find((a) => a.email === m.email)!;
      if (before.state !== 'connected') return say(`${describe(before)}\nOnly a connected mailbox can be broken; try fix ${m.email.split('@')[0]} first.`);
      say(await breakMailbox(world, m));
      const after = await check(m);
      say(describe(after));
      if (after.state === 'needs_reauth') say('The extension shows it at its next poll (every minute; opening the popup polls at once).');
    },
    async fix([arg], say) {
      const m = find(arg);
      say(await fixMailbox(world, admin, m, idOf(m)));
      say(describe((await status()).accounts.find((a) => a.email === m.email)!));
    },
    async check([arg], say) {
      const which = arg ? [find(arg)] : world.cast;
      if (which.some((m) => m.seeded === 'not_checked')) say(`(${world.cast.find((m) => m.seeded === 'not_checked')!.email} waits for a server that never answers: its check ends after ${world.regrant.config.checkTimeoutSeconds} s.)`);
      await Promise.all(which.map(async (m) => say(describe(await check(m)))));
    },
    async send([arg, count = '1'], say) {
      const m = find(arg);
      const n = Number(count);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError('send <mailbox> [n]: n is a number from 1 to 100.');
      const owner = m.owner === 'admin' ? seeded.admin : seeded.member;
      for (let i = 0; i < n; i++) {
        const res = await owner.post('/api/messages', { accountId: idOf(m), to: 'lead@example.test', subject: 'Hello from the demo', text: `A note from ${m.email}.` });
        if (res.status !== 202) throw new Error(`queueing answered ${res.status}: ${await res.text()}`);
      }
      const now = (await status()).accounts.find((a) => a.email === m.email)!;
      say(
        now.state === 'connected'
          ? `Queued ${n} email${n === 1 ? '' : 's'} from ${m.email}: ${m.email} is connected, so ${n === 1 ? 'it goes' : 'they go'} out now.`
          : `Queued ${n} email${n === 1 ? '' : 's'} from ${m.email}: held while ${HELD_WHILE[now.state]} (${now.pendingEmails} waiting). They go out once it is connected.`,
      );
    },
    async quit(_args, say) {
      say('Stopping the demo.');
      quit();
    },
  };

  return {
    async run(line: string, say: Say): Promise<void> {
      const [name = '', ...args] = line.trim().split(/\s+/);
      if (!name) return;
      const command = commands[name.toLowerCase()] ?? (['exit', 'stop'].includes(name.toLowerCase()) ? commands.quit : undefined);
      if (!command) return say(`Unknown command "${name}". Type help for the commands.`);
      try {
        await command(args, say);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        say(error.message);
      }
    },
  };
}

/** A command given wrongly: said to the person, not a failure of the demo. */
class UsageError extends Error {}
