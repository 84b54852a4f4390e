import { zValidator } from '@hono/zod-validator';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import { firstIssue } from '../../shared/schemas.ts';
import { DomainError } from '../errors.ts';
import { errorBody } from './errors.ts';

/** Refuses bodies over `maxBytes` with a 413 before reading them whole. */
export const limitBody = (maxBytes: number) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json(errorBody('payload_too_large', `the request body is larger than ${Math.round(maxBytes / 1024)} KiB`), 413),
  });

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

const BODY_SCHEMAS = new WeakMap<object, z.ZodType>();

/**
 * The schema a `jsonBody` middleware checks bodies with: the OpenAPI document's test compares
 * it with the body the document names for that route.
 *
 * @example bodySchemaOf(app.routes[3].handler) // createAccountSchema, or undefined
 */
export const bodySchemaOf = (handler: unknown): z.ZodType | undefined => (typeof handler === 'function' ? BODY_SCHEMAS.get(handler) : undefined);

/**
 * The request's JSON body checked against `schema` (@hono/zod-validator), read in the route
 * with `c.req.valid('json')`. Answers in plain words: 400 when the body is not JSON (or not
 * sent as JSON), 422 naming the first wrong field.
 *
 * @example app.post('/api/accounts', jsonBody(createAccountSchema), (c) => c.json(c.req.valid('json')))
 */
export function jsonBody<S extends z.ZodType>(schema: S) {
  const validate = zValidator('json', schema, (result) => {
    if (result.success) return;
    // The shared schemas are classic zod ones: their error is a z.ZodError, typed here as zod's core one.
    const { field, message } = firstIssue(result.error as unknown as z.ZodError);
    throw new DomainError('invalid_input', message, field || undefined);
  });
  const checked: typeof validate = async (c, next) => {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0].trim();
    if (!JSON_MEDIA_TYPE.test(mediaType)) throw new DomainError('invalid_json', 'send the request body as JSON, with "Content-Type: application/json"');
    let parsed = false;
    try {
      return await validate(c, async () => {
        parsed = true;
        await next();
      });
    } catch (error) {
      // The validator's own 400 is its JSON parse failing: said here in plain words.
      if (parsed || !(error instanceof HTTPException) || error.status !== 400) throw error;
      const empty = !(await c.req.text()).trim();
      throw new DomainError('invalid_json', empty ? 'the request body is empty; send a JSON object' : 'the request body is not valid JSON');
    }
  };
  BODY_SCHEMAS.set(checked, schema);
  return checked;
}
