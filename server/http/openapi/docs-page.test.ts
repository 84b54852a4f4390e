import { describe, expect, it } from 'vitest';
import { docsPage, typeOf } from './docs-page.ts';
import { openApiDocument } from './document.ts';

const text = async (h: ReturnType<typeof typeOf>) => String(await h);

describe('typeOf', () => {
  it('says a schema\'s type in a few words, linking named schemas', async () => {
    expect(await text(typeOf({ $ref: '#/components/schemas/Reason' }))).toBe('<a href="#schema-Reason">Reason</a>');
    expect(await text(typeOf({ anyOf: [{ $ref: '#/components/schemas/Reason' }, { type: 'null' }] }))).toBe('<a href="#schema-Reason">Reason</a> | null');
    expect(await text(typeOf({ type: 'string', enum: ['tls', 'none'] }))).toBe('<code>&quot;tls&quot;</code> | <code>&quot;none&quot;</code>');
    expect(await text(typeOf({ type: 'array', items: { type: 'string' } }))).toBe('string[]');
    expect(await text(typeOf({ type: 'integer', minimum: 1, maximum: 65535 }))).toBe('integer <span class="muted">(1–65535)</span>');
    expect(await text(typeOf({ type: ['boolean', 'null'] }))).toBe('boolean | null');
  });
});

describe('docsPage', () => {
  it('escapes what the document says', async () => {
    const doc = openApiDocument({ version: '1', serverUrl: 'http://x.test' });
    (doc.info as { title: string }).title = '<script>alert(1)</script>';
    const page = String(await docsPage(doc));
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
