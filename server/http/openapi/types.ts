/**
 * How one API route is described for the OpenAPI document: its Hono pattern, the zod schemas
 * of what it takes and answers, and the error statuses it may answer.
 *
 * @example
 *   const getMessage: ApiOperation = {
 *     route: 'GET /api/messages/:id', id: 'getMessage', tag: 'Emails', summary: 'One queued email',
 *     params: { id: 'The id `POST /api/messages` answered' },
 *     answers: { 200: { description: 'The email', json: messageViewSchema } },
 *     errors: { 404: 'No such email among your mailboxes' },
 *   };
 */
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A JSON Schema written out by hand, for what is not JSON (a CSV file, a page). */
export type JsonSchema = Record<string, unknown>;

/** An answer: its description, and a JSON body (a schema of components.ts), another body, or none. */
export type Answer =
  | { description: string; json: z.ZodType }
  | { description: string; media: string; schema?: JsonSchema }
  | { description: string };

/** Statuses the API answers with its error body `{"error":{"code","message","field?"}}`. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 500 | 503;

export interface ApiOperation {
  /** Method and Hono pattern, exactly as the app registers the route: `GET /api/accounts/:id`. */
  route: `${HttpMethod} /api/${string}`;
  /** The operationId, also the anchor of the reference page. */
  id: string;
  /** The section of the reference page. */
  tag: string;
  summary: string;
  description?: string;
  /** Answered without a token. */
  public?: true;
  /** Each `:name` of the route, described; a schema where it is narrower than any text. */
  params?: Record<string, string | { description: string; schema: z.ZodType }>;
  query?: Record<string, { description: string; schema: z.ZodType }>;
  /** A JSON body (a schema of components.ts), or other media types with their schemas. */
  body?: { json: z.ZodType } | { description: string; media: Record<string, JsonSchema> };
  /** The answers that are not errors, by status. */
  answers: Record<number, Answer>;
  /** Error answers this route gives besides those of every route (401, 429 and 500 with a token; 500 without). */
  errors?: Partial<Record<ErrorStatus, string>>;
}
