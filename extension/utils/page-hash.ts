/**
 * The mailbox an accounts-page address points at (`accounts.html#acc_…`). A `#` that is not
 * valid percent-encoding (`#%E0%A4%A`, typed or pasted by hand) means no mailbox, not a page
 * that fails to render.
 *
 * @example idFromHash(location.hash) // 'acc_1' for '#acc_1'; null for '', '#', '#%'
 */
export function idFromHash(hash: string): string | null {
  const raw = hash.replace(/^#/, '');
  try {
    return decodeURIComponent(raw) || null;
  } catch {
    return null;
  }
}
