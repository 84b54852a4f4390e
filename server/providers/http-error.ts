import { ProviderHttpError } from '../health/facts.ts';

/**
 * Turns a failed provider request into something the classifier reads: an HTTP answer
 * becomes a ProviderHttpError with the parsed body; when the check was aborted the abort's
 * reason (a timeout) wins over whatever the client made of it; network errors pass as they are.
 */
export function providerError(error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  const response = (error as { response?: { status?: unknown; data?: unknown } } | null)?.response;
  if (response && typeof response.status === 'number') return new ProviderHttpError(response.status, response.data);
  return error;
}
