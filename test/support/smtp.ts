/**
 * A real SMTP server (the smtp-server package) on loopback for tests. Each user has a
 * password; `answer` makes the server reply to a user's AUTH with any code and text verbatim.
 * Every accepted message is kept, parsed enough to read its envelope, subject and body.
 * XOAUTH2 logins are checked by `checkOAuthToken` when given (a provider fake's
 * checkAccessToken), and refused otherwise.
 *
 * @example
 *   const smtp = await startSmtp({ 'ann@acme.test': 'pw' });
 *   smtp.answer('ann@acme.test', 535, '5.7.8 Authentication credentials invalid');
 *   const outlook = await startSmtp({}, { checkOAuthToken: microsoft.checkAccessToken });
 *   const delivering = await startSmtp(users, { deliver: intoInboxes(imap, users) });
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  text: string;
  user: string | undefined;
  /** Message-ID header, as sent. */
  messageId: string;
  /** When the server accepted it (ms). */
  at: number;
}

export interface TestSmtp {
  host: string;
  port: number;
  received: ReceivedMail[];
  setPassword(user: string, password: string): void;
  answer(user: string, code: number, text: string): void;
  clearAnswer(user: string): void;
  /** Refuse RCPT TO for this address with this reply (or stop with null). */
  refuseRecipient(address: string, reply: { code: number; text: string } | null): void;
  /** Refuse every message with this reply (or stop refusing with null). */
  refuseMessages(reply: { code: number; text: string } | null): void;
  /** Refuse MAIL FROM (the sender) with this reply, or stop with null. */
  refuseSender(reply: { code: number; text: string } | null): void;
  stop(): Promise<void>;
}

function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0];
  const match = new RegExp(`^${name}:(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return match ? match[1].replace(/\r?\n[ \t]/g, ' ').trim() : '';
}

export interface SmtpOptions {
  authOptional?: boolean;
  /** Called with each accepted message before the client hears 250 (a crash test kills the sender here). */
  onMessage?: (mail: ReceivedMail) => void;
  /** Runs before each AUTH is answered: a test holds a sign-in here to change something meanwhile. */
  beforeAuth?: (user: string) => Promise<void>;
  /** Decides XOAUTH2 logins: true accepts the XOAUTH2 user, false refuses like a bad token. */
  checkOAuthToken?: (user: string, accessToken: string) => boolean | Promise<boolean>;
  /**
   * Delivers each accepted message (into a Dovecot INBOX: `intoInboxes` of mail-samples.ts)
   * before the client hears 250; a delivery that fails is answered 451.
   */
  deliver?: (mail: ReceivedMail) => Promise<void>;
}

/** smtp-server's answer to a bad XOAUTH2 token: 334 with this JSON, then 535 after the client's empty line. */
const BAD_TOKEN = { data: { status: '401', schemes: 'bearer mac', scope: 'https://outlook.office.com/SMTP.Send' } };

export async function startSmtp(users: Record<string, string> = {}, options: SmtpOptions = {}): Promise<TestSmtp> {
  const passwords = new Map(Object.entries(users));
  const answers = new Map<string, { code: number; text: string }>();
  const received: ReceivedMail[] = [];
  let refusal: { code: number; text: string } | null = null;
  let senderRefusal: { code: number; text: string } | null = null;
  const refusedRecipients = new Map<string, { code: number; text: string }>();

  type OnAuth = NonNullable<SMTPServerOptions['onAuth']>;
  const answerAuth = (auth: Parameters<OnAuth>[0], callback: Parameters<OnAuth>[2]) => {
    const user = auth.username ?? '';
    const forced = answers.get(user);
    if (forced) return callback(Object.assign(new Error(forced.text), { responseCode: forced.code }));
    if (auth.method === 'XOAUTH2' && options.checkOAuthToken) {
      const check = options.checkOAuthToken;
      Promise.resolve()
        .then(() => check(user, auth.accessToken ?? ''))
        .then(
          (ok) => (ok ? callback(null, { user }) : callback(null, BAD_TOKEN)),
          (error: Error) => callback(Object.assign(new Error(`4.7.0 Temporary authentication failure: ${error.message}`), { responseCode: 454 })),
        );
      return;
    }
    if (auth.method !== 'XOAUTH2' && passwords.has(user) && passwords.get(user) === auth.password) return callback(null, { user });
    return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
  };

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: options.authOptional ?? false,
    authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'],
    // A reverse DNS lookup of 127.0.0.1 per connection costs ~100 ms here and tells us nothing.
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const user = auth.username ?? '';
      if (options.beforeAuth) void options.beforeAuth(user).then(() => answerAuth(auth, callback));
      else answerAuth(auth, callback);
    },
    onMailFrom(_address, _session, callback) {
      if (senderRefusal) return callback(Object.assign(new Error(senderRefusal.text), { responseCode: senderRefusal.code }));
      callback();
    },
    onRcptTo(address, _session, callback) {
      const refused = refusedRecipients.get(address.address.toLowerCase());
      if (refused) return callback(Object.assign(new Error(refused.text), { responseCode: refused.code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusal) return callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: header(raw, 'Subject'),
          text: raw.split(/\r?\n\r?\n/).slice(1).join('\n\n').replace(/=\r?\n/g, ''),
          user: session.user as string | undefined,
          messageId: header(raw, 'Message-ID'),
          at: Date.now(),
        };
        received.push(mail);
        options.onMessage?.(mail);
        if (!options.deliver) return callback();
        options.deliver(mail).then(
          () => callback(),
          (error: Error) => callback(Object.assign(new Error(`4.3.0 Delivery failed: ${error.message}`), { responseCode: 451 })),
        );
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    received,
    setPassword: (user, password) => void passwords.set(user, password),
    answer: (user, code, text) => void answers.set(user, { code, text }),
    clearAnswer: (user) => void answers.delete(user),
    refuseMessages: (reply) => void (refusal = reply),
    refuseSender: (reply) => void (senderRefusal = reply),
    refuseRecipient: (address, reply) => void (reply ? refusedRecipients.set(address.toLowerCase(), reply) : refusedRecipients.delete(address.toLowerCase())),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
