import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { jsonBody, limitBody } from './body.ts';
import { respondWithError } from './errors.ts';

const schema = z.strictObject({ email: z.string({ error: 'is required' }), port: z.number({ error: 'must be a number' }).optional() });

const app = new Hono()
  .onError((error, c) => respondWithError(c, error, () => {}))
  .post('/', limitBody(1024), jsonBody(schema), (c) => c.json({ got: c.req.valid('json') }));

const post = (body: string, contentType = 'application/json') => app.request('/', { method: 'POST', body, headers: { 'content-type': contentType } });

async function refusal(res: Response, status: number) {
  expect(res.status).toBe(status);
  return ((await res.json()) as { error: { code: string; message: string; field?: string } }).error;
}

describe('jsonBody', () => {
  it('hands the route the checked body', async () => {
    const res = await post('{"email":"a@acme.test","port":587}', 'application/json; charset=utf-8');
    expect(await res.json()).toEqual({ got: { email: 'a@acme.test', port: 587 } });
  });

  it('400 in plain words for a body that is not JSON, is empty, or is not sent as JSON', async () => {
    expect(await refusal(await post('{"email": '), 400)).toEqual({ code: 'invalid_json', message: 'the request body is not valid JSON' });
    expect(await refusal(await post('  '), 400)).toEqual({ code: 'invalid_json', message: 'the request body is empty; send a JSON object' });
    expect(await refusal(await post('{"email":"a@acme.test"}', 'text/plain'), 400)).toEqual({
      code: 'invalid_json',
      message: 'send the request body as JSON, with "Content-Type: application/json"',
    });
  });

  it('422 naming the first wrong field', async () => {
    expect(await refusal(await post('{"port":"x","email":"a"}'), 422)).toEqual({ code: 'invalid_input', message: 'port: must be a number', field: 'port' });
    expect(await refusal(await post('{"email":"a","colour":"red"}'), 422)).toMatchObject({ code: 'invalid_input', field: 'colour' });
    expect(await refusal(await post('{}'), 422)).toEqual({ code: 'invalid_input', message: 'email: is required', field: 'email' });
  });

  it('413 before reading a body over the limit', async () => {
    expect(await refusal(await post(JSON.stringify({ email: 'x'.repeat(2048) })), 413)).toMatchObject({ code: 'payload_too_large' });
  });

  it("lets the route's own errors through unchanged", async () => {
    const failing = new Hono()
      .onError((error, c) => respondWithError(c, error, () => {}))
      .post('/', jsonBody(schema), () => {
        throw new DomainError('account_exists', 'a mailbox a@acme.test already exists', 'email');
      });
    const res = await failing.request('/', { method: 'POST', body: '{"email":"a"}', headers: { 'content-type': 'application/json' } });
    expect(await refusal(res, 409)).toMatchObject({ code: 'account_exists' });
  });
});
