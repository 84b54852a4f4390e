/**
 * The request a piece of work belongs to, carried through every await with AsyncLocalStorage:
 * each log line written while a request is handled names its request id, without any module
 * passing it along.
 *
 * @example
 *   await inRequest('req-1', () => handler()); // logs written inside carry "requestId":"req-1"
 *   currentRequestId(); // 'req-1' inside, undefined outside
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const store = new AsyncLocalStorage<string>();

export function inRequest<T>(requestId: string, work: () => T): T {
  return store.run(requestId, work);
}

export function currentRequestId(): string | undefined {
  return store.getStore();
}
