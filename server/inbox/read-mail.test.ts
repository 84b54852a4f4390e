import { describe, expect, it } from 'vitest';
import { deliveryReport, outOfOffice, plainBounce, reply, unrelated } from '../../test/support/mail-samples.ts';
import { readMail } from './read-mail.ts';

const ORIGINAL = '<1b2c@acme.test>';
const read = (raw: string) => readMail(Buffer.from(raw));
const mail = (headers: string[], body = 'Hi') => [...headers, 'Message-ID: <m1@example.test>', '', body, ''].join('\r\n');

describe('readMail', () => {
  it('a reply names the email it answers and is written by a person', async () => {
    const r = await read(reply(ORIGINAL, 'Bob <bob@example.test>', 'ann@acme.test'));
    expect(r).toMatchObject({ from: 'bob@example.test', answers: [ORIGINAL], autoReply: false, bounce: null });
    expect(r.id).toMatch(/^<.+@example\.test>$/);
  });

  it('recognises automatic answers by Auto-Submitted, X-Autoreply, X-Autorespond, Precedence and subject', async () => {
    expect((await read(outOfOffice(ORIGINAL, 'bob@example.test', 'ann@acme.test'))).autoReply).toBe(true);
    for (const headers of [['X-Autorespond: yes', 'Subject: Re: Hello'], ['Precedence: auto_reply', 'Subject: Re: Hello'], ['Subject: Out of Office: Re: Hello'], ['Subject: Automatic reply: Hello']]) {
      expect((await read(mail(['From: bob@example.test', `In-Reply-To: ${ORIGINAL}`, ...headers]))).autoReply).toBe(true);
    }
    // Auto-Submitted: no, and a person's "Re:" are people.
    expect((await read(mail(['From: bob@example.test', 'Auto-Submitted: no', 'Subject: Re: Hello']))).autoReply).toBe(false);
  });

  it('reads an RFC 3464 report: recipient, action, status, diagnostic and the original Message-ID', async () => {
    const r = await read(deliveryReport(ORIGINAL, 'ann@acme.test', 'nobody@example.test'));
    expect(r.autoReply).toBe(false);
    expect(r.bounce).toMatchObject({ recipient: 'nobody@example.test', action: 'failed', status: '5.1.1' });
    expect(r.bounce?.diagnostic).toMatch(/^550 5\.1\.1 <nobody@example\.test>: Recipient address rejected: User unknown/);
    expect(r.bounce?.quotedIds).toContain(ORIGINAL);
    expect(r.bounce?.quotedIds).not.toContain(r.id);
  });

  it('reads the non-standard forms: postmaster or MAILER-DAEMON with a failure subject and the original quoted', async () => {
    const plain = await read(plainBounce(ORIGINAL, 'ann@acme.test', 'bob@example.test'));
    expect(plain.bounce).toMatchObject({ status: '5.1.1', action: 'failed' });
    expect(plain.bounce?.quotedIds).toEqual([ORIGINAL]);
    const daemon = await read(mail(['From: MAILER-DAEMON@mx.example.test', 'Subject: Returned mail: see transcript for details'], `----- Original message -----\r\nMessage-ID: ${ORIGINAL}`));
    expect(daemon.bounce?.quotedIds).toEqual([ORIGINAL]);
  });

  it('a delay report is not a failure; ordinary mail is neither reply nor bounce', async () => {
    const delayed = await read(deliveryReport(ORIGINAL, 'ann@acme.test', 'slow@example.test').replace('Action: failed', 'Action: delayed').replace('Status: 5.1.1', 'Status: 4.4.7'));
    expect(delayed.bounce?.action).toBe('delayed');
    expect(await read(unrelated('news@example.test', 'ann@acme.test'))).toMatchObject({ answers: [], autoReply: false, bounce: null });
  });

  it('a mail without a Message-ID gets a stable one from its content', async () => {
    const raw = 'From: a@example.test\r\nSubject: x\r\n\r\nbody\r\n';
    expect((await read(raw)).id).toBe((await read(raw)).id);
    expect((await read(raw)).id).not.toBe((await read(raw + 'more')).id);
  });
});
