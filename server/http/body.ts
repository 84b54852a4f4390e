import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
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

/** The request's JSON body checked against `schema`: 400 when it is not JSON, 422 naming the field otherwise. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const raw = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new DomainError('invalid_json', raw.trim() ? 'the request body is not valid JSON' : 'the request body is empty; send a JSON object');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    throw new DomainError('invalid_input', message, field || undefined);
  }
  return parsed.data;
}
