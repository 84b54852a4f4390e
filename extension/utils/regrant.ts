/**
 * Re-grant, as the popup and the accounts page both offer it: a one-time URL from the server,
 * opened in a new tab, where the provider's consent screen takes over.
 *
 * @example await openRegrant(deps, account.id); // a tab at https://regrant.acme.test/oauth/start/…
 */
import type { Api } from './api.ts';

export interface RegrantDeps {
  api(): Promise<Api>;
  openTab(url: string): Promise<void>;
}

export async function openRegrant(deps: RegrantDeps, accountId: string): Promise<void> {
  const { url } = await (await deps.api()).regrant(accountId);
  await deps.openTab(url);
}
