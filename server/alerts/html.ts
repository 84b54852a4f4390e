/**
 * The HTML part of a grouped alert, from the same sections as its text (digest.ts), built with
 * MJML: tables that mail clients render, no remote images or fonts (system fonts only), and
 * every piece of text escaped, since a mail server's reply is quoted in it and is never markup.
 * Each mailbox's link is a line (the same as in the text part) and a button under it.
 *
 * @example const html = await digestHtml(digest);
 */
import mjml2html from 'mjml';
import type { Digest } from './digest.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ENTITIES[c]);

export async function digestHtml(g: Digest): Promise<string> {
  const sections = g.sections
    .map((s) => {
      const items = s.items
        .map((i) => {
          const link = i.link ? `<br />${escapeHtml(i.link.label)}: <a href="${escapeHtml(i.link.url)}">${escapeHtml(i.link.url)}</a>` : '';
          const button = i.link ? `\n<mj-button href="${escapeHtml(i.link.url)}" background-color="#1d4ed8" align="left" padding="2px 25px 10px">${escapeHtml(i.link.button)}</mj-button>` : '';
          return `<mj-text padding="6px 25px"><strong>${escapeHtml(i.title)}</strong><br />${i.lines.map(escapeHtml).join('<br />')}${link}</mj-text>${button}`;
        })
        .join('\n');
      return `<mj-section padding="8px 0"><mj-column>
  <mj-text font-size="16px" font-weight="bold" padding-bottom="4px">${escapeHtml(s.heading)}</mj-text>
  ${s.intro ? `<mj-text color="#555555">${escapeHtml(s.intro)}</mj-text>` : ''}
  ${items}
</mj-column></mj-section>`;
    })
    .join('\n');
  const source = `<mjml>
<mj-head>
  <mj-title>${escapeHtml(g.subject)}</mj-title>
  <mj-attributes><mj-all font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" /><mj-text font-size="14px" line-height="1.5" color="#1a1a1a" /></mj-attributes>
</mj-head>
<mj-body background-color="#f4f4f5">
  <mj-section background-color="#ffffff" padding="16px 0"><mj-column>
    <mj-text font-size="15px">${escapeHtml(g.summary)}</mj-text>
  </mj-column></mj-section>
  <mj-wrapper background-color="#ffffff" padding="0">${sections}</mj-wrapper>
  <mj-section background-color="#ffffff"><mj-column>
    <mj-text font-size="12px" color="#555555">${escapeHtml(g.footer)}</mj-text>
  </mj-column></mj-section>
</mj-body>
</mjml>`;
  const { html, errors } = await mjml2html(source, { validationLevel: 'soft', minify: false });
  if (errors.length) throw new Error(`alert HTML: ${errors.map((e) => e.formattedMessage).join('; ')}`);
  return html;
}
