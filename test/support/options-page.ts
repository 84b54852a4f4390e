/**
 * The options page's way in for a test: the server URL, then an API token pasted under
 * "Advanced" (signing in is the usual way in, and has stories of its own), saved.
 *
 * @example
 *   await saveToken(await chrome.open('options.html'), serverUrl, admin.token);
 */
interface Clickable {
  click(): Promise<unknown>;
}
interface OptionsPage {
  getByLabel(label: string): { fill(value: string): Promise<unknown> };
  getByText(text: string | RegExp): Clickable & { waitFor(): Promise<unknown> };
  getByRole(role: 'button', options: { name: string }): Clickable;
  close(): Promise<unknown>;
}

/** Fills and saves the options page, waits for its "Saved." (or `saved`), and closes it. */
export async function saveToken(options: OptionsPage, serverUrl: string, token: string, saved: RegExp = /^Saved\./): Promise<void> {
  await options.getByLabel('Server URL').fill(serverUrl);
  await options.getByText('Advanced: paste an API token').click();
  await options.getByLabel('API token').fill(token);
  await options.getByRole('button', { name: 'Save' }).click();
  await options.getByText(saved).waitFor();
  await options.close();
}
