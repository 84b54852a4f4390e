/**
 * The OpenAPI 3.1 document of the API, built from API_OPERATIONS and the zod schemas the routes
 * validate with (`z.toJSONSchema`, JSON Schema 2020-12 as OpenAPI 3.1 uses it). Request bodies
 * are read as the client sends them, answers as the server sends them; answers' objects stay
 * open (`additionalProperties` unset) because fields may be added to them later.
 *
 * @example const doc = openApiDocument({ version: '0.1.0', serverUrl: 'https://regrant.acme.test' });
 */
import { z } from 'zod';
import { REQUEST_SCHEMAS, RESPONSE_SCHEMAS } from './components.ts';
import { API_OPERATIONS } from './operations.ts';
import type { Answer, ApiOperation, ErrorStatus, JsonSchema } from './types.ts';

export type OpenApiDocument = JsonSchema & { openapi: '3.1.1'; paths: Record<string, Record<string, JsonSchema>>; components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> } };

const ERROR_WORDS: Record<ErrorStatus, string> = {
  400: 'The request cannot be read',
  401: 'No token, or an unknown, revoked or expired one',
  403: 'Not yours to do',
  404: 'Not found',
  409: 'In conflict with the current state',
  410: 'Gone',
  413: 'The body is too large',
  422: 'A field is invalid (named in `field`)',
  429: 'Too many requests (`Retry-After` says when to try again)',
  500: 'Something went wrong on the server; it has been logged',
  503: 'Not configured on this server',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The named schemas as JSON Schema, each referring to the others by `$ref`. */
function componentSchemas(named: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ zodSchema, jsonSchema }) => {
      // zod closes every object of an answer; the API's answers may gain fields (design §8).
      if (io === 'output' && zodSchema._zod.def.type === 'object' && !(zodSchema._zod.def as { catchall?: unknown }).catchall) delete jsonSchema.additionalProperties;
    },
  });
  // The document says the dialect once; an `$id` per schema would move the base of their `$ref`s.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema]));
}

/** A schema written inline (a parameter's), without the `$schema` a standalone one carries. */
function inline(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  return rest;
}

/** `$ref` of a named schema; an unnamed one is a mistake of the registry, said at once. */
function named(names: Map<z.ZodType, string>, schema: z.ZodType, where: string) {
  const name = names.get(schema);
  if (!name) throw new Error(`${where}: its schema is not listed in server/http/openapi/components.ts`);
  return ref(name);
}

const reversed = (record: Record<string, z.ZodType>) => new Map(Object.entries(record).map(([name, schema]) => [schema, name]));

/** `/api/accounts/:id` → `/api/accounts/{id}` */
export const openApiPath = (honoPath: string) => honoPath.replace(/:(\w+)/g, '{$1}');

function answer(names: Map<z.ZodType, string>, a: Answer, where: string): JsonSchema {
  if ('json' in a) return { description: a.description, content: { 'application/json': { schema: named(names, a.json, where) } } };
  if ('media' in a) return { description: a.description, content: { [a.media]: { schema: a.schema ?? {} } } };
  return { description: a.description };
}

function operation(op: ApiOperation, requestNames: Map<z.ZodType, string>, responseNames: Map<z.ZodType, string>): JsonSchema {
  const [, path] = op.route.split(' ');
  const parameters = [
    ...[...path.matchAll(/:(\w+)/g)].map(([, name]) => {
      const given = op.params?.[name];
      const { description, schema } = typeof given === 'object' ? { ...given, schema: inline(given.schema) } : { description: given, schema: { type: 'string' } };
      return { name, in: 'path', required: true, ...(description ? { description } : {}), schema };
    }),
    ...Object.entries(op.query ?? {}).map(([name, q]) => ({ name, in: 'query', required: false, description: q.description, schema: inline(q.schema) })),
  ];
  const requestBody = !op.body
    ? undefined
    : 'json' in op.body
      ? { required: true, content: { 'application/json': { schema: named(requestNames, op.body.json, op.route) } } }
      : { required: true, description: op.body.description, content: Object.fromEntries(Object.entries(op.body.media).map(([type, schema]) => [type, { schema }])) };
  const errors: Partial<Record<ErrorStatus, string>> = op.public ? { 500: ERROR_WORDS[500] } : { 401: ERROR_WORDS[401], 429: ERROR_WORDS[429], 500: ERROR_WORDS[500] };
  Object.assign(errors, op.errors);
  const responses: Record<string, JsonSchema> = {};
  for (const [status, a] of Object.entries(op.answers)) responses[status] = answer(responseNames, a, `${op.route} ${status}`);
  for (const [status, words] of Object.entries(errors)) responses[status] = { description: words || ERROR_WORDS[Number(status) as ErrorStatus], content: { 'application/json': { schema: ref('ApiError') } } };
  return {
    operationId: op.id,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/**
 * The whole document. `serverUrl` is where this server answers (PUBLIC_URL).
 *
 * @example app.get('/api/openapi.json', (c) => c.json(openApiDocument({ version, serverUrl })))
 */
export function openApiDocument({ version, serverUrl, operations = API_OPERATIONS }: { version: string; serverUrl: string; operations?: ApiOperation[] }): OpenApiDocument {
  const requestNames = reversed(REQUEST_SCHEMAS);
  const responseNames = reversed(RESPONSE_SCHEMAS);
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    const [method, path] = op.route.split(' ');
    const item = (paths[openApiPath(path)] ??= {});
    if (item[method.toLowerCase()]) throw new Error(`${op.route} is listed twice in the API operations`);
    item[method.toLowerCase()] = operation(op, requestNames, responseNames);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Regrant API',
      version,
      description:
        'Regrant watches outbound mailboxes, says the moment one loses its login, and makes the fix one click. Every `/api/` route but this document and its reference page needs `Authorization: Bearer <token>`. Errors are `{"error":{"code","message","field?"}}`; logic branches on `code`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...componentSchemas(REQUEST_SCHEMAS, 'input'), ...componentSchemas(RESPONSE_SCHEMAS, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token (`rg_…`): `npm run regrant -- user add` or `token create` prints one' } },
    },
  };
}
