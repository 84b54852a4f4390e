/**
 * Masks secrets in whatever is about to be logged, so that a password, token or OAuth code
 * that slips into a log call or an error never reaches a log file. Keys are matched by
 * pattern (pino's path-based `redact` cannot), strings are cleaned of the secrets they may
 * carry (credentials in URLs, share-link and start paths, OAuth `code` and `state`
 * parameters, bearer tokens, Regrant's own tokens), and errors are reduced to their name,
 * message, code and cause, each masked the same way.
 *
 * @example
 *   redact({ password: 'hunter2', url: 'smtp://ann:pw@host' }) // { password: '***', url: 'smtp://ann:***@host' }
 */

/** Keys whose values are never logged, whatever they hold. */
export const SECRET_KEY = /pass|secret|token|authorization|cookie|key|credential|verifier|signature/i;

const MASK = '***';
const MAX_DEPTH = 4;

/** Each rule rewrites the secret part of a string and keeps the rest, so a line stays readable. */
const STRING_RULES: Array<[RegExp, string]> = [
  // smtp://user:password@host → smtp://user:***@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+):([^@\s/]+)@/gi, `$1$2:${MASK}@`],
  // Share-link pages and one-time start URLs carry their token in the path (a route pattern's
  // `:token` is no secret and stays).
  [/(\/r\/|\/oauth\/start\/)[^/?#\s"':][^/?#\s"']*/g, `$1${MASK}`],
  // Query parameters: OAuth's code and state, and anything named like a secret.
  [/([?&#;\s]|^)(code|state|[a-z_]*token|[a-z_]*secret|password|passwd|pass|key|sig|signature)=[^&#\s"']*/gi, `$1$2=${MASK}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${MASK}`],
  // Regrant's own tokens: a short prefix and 256 random bits (ids are far shorter).
  [/\b([a-z]{1,8})_[A-Za-z0-9_-]{32,}/g, `$1_${MASK}`],
];

export function redactString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of STRING_RULES) out = out.replace(pattern, replacement);
  return out;
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) fields.code = code;
  if (error.cause !== undefined) fields.cause = error.cause;
  return fields;
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value instanceof Error) return redact(errorFields(value), depth);
  if (value instanceof URL) return redactString(value.href);
  if (Array.isArray(value)) return depth > MAX_DEPTH ? '[…]' : value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    if (depth > MAX_DEPTH) return '[…]';
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? MASK : redact(v, depth + 1)]));
  }
  return value;
}
