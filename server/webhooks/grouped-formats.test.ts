import { expect, it } from 'vitest';
import { groupedBody, type GroupedChat } from './grouped-formats.ts';

const group: GroupedChat = {
  title: 'Acme: 2 mailboxes need attention',
  lines: ['Acme lost access to 2 mailboxes; 3 emails waiting.', 'Mailboxes that lost access', '• a@x.test: The server said: <b>[click](http://evil.test)</b> & more', '• b@x.test: What happened: refused'],
  links: [{ title: 'Reconnect a@x.test', url: 'https://regrant.example/r/r_abc' }],
};

it('slack: every line and link in text and blocks, headings bold, a mail server\'s words escaped', () => {
  const body = JSON.parse(groupedBody('slack', group)) as { text: string; blocks: Array<{ text: { text: string } }> };
  expect(body.text).toContain('*Mailboxes that lost access*');
  expect(body.text).toContain('&lt;b&gt;[click](http://evil.test)&lt;/b&gt; &amp; more');
  expect(body.text).not.toContain('<b>');
  expect(body.text).toContain('<https://regrant.example/r/r_abc|Reconnect a@x.test>');
  const blocks = body.blocks.map((b) => b.text.text).join('\n');
  expect(blocks).toContain('• b@x.test: What happened: refused');
  expect(blocks).toContain('<https://regrant.example/r/r_abc|Reconnect a@x.test>');
});

it('slack: a long group stays within Slack\'s limits of 3000 characters a section and 50 blocks', () => {
  const lines = Array.from({ length: 400 }, (_, i) => `• user${i}@x.test: ${'y'.repeat(200)}`);
  const body = JSON.parse(groupedBody('slack', { ...group, lines })) as { blocks: Array<{ text: { text: string } }> };
  expect(body.blocks.length).toBeLessThanOrEqual(50);
  for (const b of body.blocks) expect(b.text.text.length).toBeLessThanOrEqual(3000);
});

it('teams: an Adaptive Card with a text block per line, the links as Markdown links, Markdown in a server\'s words escaped', () => {
  const body = JSON.parse(groupedBody('teams', group)) as { attachments: Array<{ content: { body: Array<{ text: string; weight?: string }>; actions?: unknown } }> };
  const card = body.attachments[0].content;
  expect(card.body[0].text).toBe('Acme: 2 mailboxes need attention');
  expect(card.body.find((b) => b.text === 'Mailboxes that lost access')?.weight).toBe('Bolder');
  expect(card.body.map((b) => b.text)).toContain('• a@x.test: The server said: <b\\>\\[click\\]\\(http://evil.test\\)</b\\> & more');
  expect(card.body.at(-1)!.text).toBe('[Reconnect a@x.test](https://regrant.example/r/r_abc)');
  // No button to Regrant's root page, which fixes nothing: the mailboxes' own links are the way.
  expect(card.actions).toBeUndefined();
});
