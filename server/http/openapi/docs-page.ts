/**
 * `GET /api/docs`: the API reference as one server-rendered page, made from the OpenAPI
 * document: each section's routes with their parameters, bodies and answers, then every named
 * schema as a table of its fields. No script, no remote asset: a Content-Security-Policy of
 * `default-src 'none'` plus the hash of its one style sheet.
 *
 * @example c.html(docsPage(openApiDocument({ version, serverUrl })), 200, DOCS_PAGE_HEADERS)
 */
import { createHash } from 'node:crypto';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { JsonSchema } from './types.ts';
import type { OpenApiDocument } from './document.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const CSS = `
:root { color-scheme: light dark; --fg: #1d2329; --muted: #5b6670; --bg: #f6f7f9; --card: #fff; --accent: #1a5fd0; --border: #d7dce1; --code: #eef1f4; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8ecef; --muted: #a6b0b9; --bg: #14181c; --card: #1e2429; --accent: #7aa7ff; --border: #36404a; --code: #262d33; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--border); } h3 { font-size: 1.05rem; margin: 0 0 .4rem; overflow-wrap: anywhere; }
section.op, section.schema { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 1rem 1.2rem; margin: 1rem 0; }
code { background: var(--code); padding: 0 .25rem; border-radius: 4px; font-size: .92em; overflow-wrap: anywhere; }
.method { display: inline-block; min-width: 4.2rem; font: 700 .8rem ui-monospace, monospace; color: var(--accent); }
.muted, td.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; font-size: .93rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-top: 1px solid var(--border); }
th { font-weight: 600; color: var(--muted); }
td table { margin: .2rem 0 0; }
ul.toc { columns: 2 22rem; padding-left: 1.2rem; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid var(--fg); outline-offset: 2px; }
`;

/** Security headers of the page: nothing but its own style sheet may load. */
export const DOCS_PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; img-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

/** The document's words: `code` in backticks becomes <code>, the rest is escaped. */
function words(text: string | undefined): Html {
  if (!text) return html``;
  const parts = text.split('`');
  return html`${parts.map((part, i) => (i % 2 ? html`<code>${part}</code>` : html`${part}`))}`;
}

const schemaName = (ref: string) => ref.split('/').pop()!;

/** A schema's type in a few words: a link for a named schema, `"a" | "b"` for an enum. */
export function typeOf(schema: JsonSchema | undefined): Html {
  if (!schema || Object.keys(schema).length === 0) return html`any`;
  if (typeof schema.$ref === 'string') {
    const name = schemaName(schema.$ref);
    return html`<a href="#schema-${name}">${name}</a>`;
  }
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (variants) return html`${variants.map((v, i) => html`${i ? ' | ' : ''}${typeOf(v)}`)}`;
  if ('const' in schema) return html`<code>${JSON.stringify(schema.const)}</code>`;
  if (Array.isArray(schema.enum)) return html`${schema.enum.map((v, i) => html`${i ? ' | ' : ''}<code>${JSON.stringify(v)}</code>`)}`;
  const types = ([] as unknown[]).concat(schema.type ?? []) as string[];
  if (types.length > 1) return html`${types.map((t, i) => html`${i ? ' | ' : ''}${typeOf({ ...schema, type: t })}`)}`;
  if (types[0] === 'array') return html`${typeOf(schema.items as JsonSchema)}[]`;
  if (types[0] === 'object' && schema.properties) return html`object${fieldsTable(schema)}`;
  if (types[0] === 'object' && typeof schema.additionalProperties === 'object') {
    const keys = schema.propertyNames as JsonSchema | undefined;
    return html`object of ${keys?.enum ? typeOf(keys) : 'text'} → ${typeOf(schema.additionalProperties as JsonSchema)}`;
  }
  const limits = [
    schema.format,
    schema.minimum !== undefined && schema.maximum !== undefined && Number(schema.maximum) < Number.MAX_SAFE_INTEGER ? `${schema.minimum}–${schema.maximum}` : schema.minimum !== undefined ? `≥ ${schema.minimum}` : undefined,
    schema.maxLength !== undefined ? `${schema.minLength ?? 0}–${schema.maxLength} characters` : undefined,
    schema.contentMediaType,
  ].filter(Boolean);
  return html`${types[0] ?? 'any'}${limits.length ? html` <span class="muted">(${limits.join(', ')})</span>` : ''}`;
}

/** An object's fields: name, type, whether it is always there. */
function fieldsTable(schema: JsonSchema): Html {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const fields = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
  return html`<table><tr><th>field</th><th>type</th><th>presence</th></tr>${fields.map(
    ([name, field]) => html`<tr><td><code>${name}</code></td><td>${typeOf(field)}</td><td class="muted">${required.has(name) ? 'required' : 'optional'}</td></tr>`,
  )}</table>${schema.additionalProperties === false ? html`<p class="muted">No other field is accepted.</p>` : ''}`;
}

interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; description?: string; schema: JsonSchema }[];
  requestBody?: { description?: string; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}

const bodies = (content: Record<string, { schema: JsonSchema }> | undefined) =>
  html`${Object.entries(content ?? {}).map(([type, { schema }], i) => html`${i ? html`<br>` : ''}<code>${type}</code> ${typeOf(schema)}`)}`;

function operationSection(method: string, path: string, op: Operation): Html {
  return html`<section class="op" id="${op.operationId}">
<h3><span class="method">${method.toUpperCase()}</span> <code>${path}</code></h3>
<p>${words(op.summary)}${op.security?.length === 0 ? html` <span class="muted">(no token needed)</span>` : ''}</p>
${op.description ? html`<p>${words(op.description)}</p>` : ''}
${op.parameters?.length ? html`<table><tr><th>parameter</th><th>in</th><th>type</th><th>meaning</th></tr>${op.parameters.map((p) => html`<tr><td><code>${p.name}</code></td><td>${p.in}</td><td>${typeOf(p.schema)}</td><td>${words(p.description)}</td></tr>`)}</table>` : ''}
${op.requestBody ? html`<p><strong>Body:</strong> ${bodies(op.requestBody.content)}${op.requestBody.description ? html`. ${words(op.requestBody.description)}` : ''}</p>` : ''}
<table><tr><th>status</th><th>answer</th><th>body</th></tr>${Object.entries(op.responses).map(
    ([status, r]) => html`<tr><td><code>${status}</code></td><td>${words(r.description)}</td><td>${bodies(r.content)}</td></tr>`,
  )}</table>
</section>`;
}

/**
 * The whole page.
 *
 * @example docsPage(doc) // '<!doctype html>…<h1>Regrant API 0.1.0</h1>…'
 */
export function docsPage(doc: OpenApiDocument): Html {
  const info = doc.info as { title: string; version: string; description: string };
  const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op: op as unknown as Operation })));
  const tags = [...new Set(operations.map((o) => o.op.tags[0]))];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${info.title} ${info.version}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<main>
<h1>${info.title} <span class="muted">${info.version}</span></h1>
<p>${words(info.description)}</p>
<p>The machine-readable version of this page: <a href="/api/openapi.json"><code>/api/openapi.json</code></a> (OpenAPI 3.1, no token needed).</p>
<nav aria-label="Routes"><ul class="toc">${tags.map(
    (tag) => html`<li><a href="#tag-${tag.replace(/\W+/g, '-')}">${tag}</a></li>`,
  )}<li><a href="#schemas">Schemas</a></li></ul></nav>
${tags.map(
  (tag) => html`<h2 id="tag-${tag.replace(/\W+/g, '-')}">${tag}</h2>
${operations.filter((o) => o.op.tags[0] === tag).map((o) => operationSection(o.method, o.path, o.op))}`,
)}
<h2 id="schemas">Schemas</h2>
${Object.entries(doc.components.schemas).map(
  ([name, schema]) => html`<section class="schema" id="schema-${name}"><h3>${name}</h3>${schema.properties ? fieldsTable(schema) : html`<p>${typeOf(schema)}</p>`}</section>`,
)}
</main>
</body>
</html>`;
}
