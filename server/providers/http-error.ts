import { httpErrorOf } from './errors.ts';

/**
 * Turns a failed provider request into something the classifier reads: an HTTP answer
 * becomes the named error its body stands for (providers/errors.ts); when the check was aborted the abort's
 * reason (a timeout) wins over whatever the client made of it; network errors pass as they are.
 */
export function providerError(error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  const response = (error as { response?: { status?: unknown; data?: unknown } } | null)?.response;
  if (response && typeof response.status === 'number') return httpErrorOf(response.status, response.data);
  return error;
}
