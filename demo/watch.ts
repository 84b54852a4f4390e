/**
 * Says in the console what happens while a person plays with the extension: a mailbox
 * changing state (seen through `GET /api/status`, as the extension sees it), emails arriving
 * at the Gmail stand-in or the SMTP server (the held ones going out after a re-grant), and
 * alert emails caught by the alert SMTP server.
 *
 * @example const stop = watch(world, seeded.admin, say);
 */
import type { AccountStatus, StatusResponse } from '../shared/api.ts';
import type { Client } from '../test/support/regrant.ts';
import { kindWords, stateWords } from './print.ts';
import type { World } from './world.ts';

const EVERY_MS = 500;

export function watch(world: World, admin: Client, say: (text: string) => void): () => void {
  const { google, smtp, notify } = world.servers;
  const gmail = world.cast.filter((m) => m.provider === 'google').map((m) => m.email);
  const sentByGmail = new Map(gmail.map((email) => [email, google.gmail.sent(email).length]));
  let smtpSeen = smtp.received.length;
  let alertsSeen = notify.received.length;
  let states: Map<string, AccountStatus> | null = null;
  let etag = '';
  let busy = false;

  async function look() {
    const res = await admin.get('/api/status', etag ? { 'if-none-match': etag } : {});
    if (res.status === 200) {
      etag = res.headers.get('etag') ?? '';
      const now = new Map(((await res.json()) as StatusResponse).accounts.map((a) => [a.email, a]));
      for (const [email, a] of now) {
        const was = states?.get(email);
        if (was && was.state !== a.state) say(`● ${email} (${kindWords(a.provider)}): ${stateWords(was.state)} → ${stateWords(a.state)}${a.reason && a.state !== 'connected' ? `. ${a.reason.message}` : ''}`);
      }
      states = now;
    }
    for (const email of gmail) {
      const sent = google.gmail.sent(email);
      for (const mail of sent.slice(sentByGmail.get(email))) say(`✉ ${email} sent "${subjectOf(mail.raw)}" through the Gmail stand-in`);
      sentByGmail.set(email, sent.length);
    }
    for (const mail of smtp.received.slice(smtpSeen)) say(`✉ ${mail.from} sent "${mail.subject}" to ${mail.to.join(', ')} through the SMTP server`);
    smtpSeen = smtp.received.length;
    const alerts = notify.received.slice(alertsSeen);
    alertsSeen = notify.received.length;
    // One alert goes to each person; say it once with everyone it went to.
    const bySubject = new Map<string, string[]>();
    for (const mail of alerts) bySubject.set(mail.subject, [...(bySubject.get(mail.subject) ?? []), ...mail.to]);
    for (const [subject, to] of bySubject) say(`✉ alert "${subject}" emailed to ${to.join(', ')}`);
  }

  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    look()
      .catch((error: Error) => say(`(watching the demo failed: ${error.message})`))
      .finally(() => (busy = false));
  }, EVERY_MS);
  return () => clearInterval(timer);
}

function subjectOf(raw: string): string {
  return /^Subject:\s*(.*)$/im.exec(raw.split(/\r?\n\r?\n/)[0])?.[1]?.trim() ?? '(no subject)';
}
