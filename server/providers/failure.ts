import type { Failure } from './errors.ts';

/**
 * A send or an inbox scan that a provider could not do, carrying the raw failure (where it
 * happened, what the server said) for the classifier, as a check's failures do.
 *
 * @example throw new ProviderFailure({ source: 'smtp', error });
 */
export class ProviderFailure extends Error {
  constructor(readonly failure: Failure) {
    const e = failure.error as { message?: unknown } | null;
    super(`${failure.source}: ${typeof e?.message === 'string' ? e.message : String(failure.error)}`);
    this.name = 'ProviderFailure';
  }
}

/** Runs `step`, turning anything it throws into a ProviderFailure from `source`. */
export async function failingAs<T>(source: Failure['source'], step: () => Promise<T>, oauth = false): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof ProviderFailure) throw error;
    throw new ProviderFailure({ source, error, oauth });
  }
}

/** The failure inside anything a send or scan threw: a ProviderFailure's own, else the error as is. */
export function failureOf(error: unknown): Failure {
  return error instanceof ProviderFailure ? error.failure : { source: 'check', error };
}
