/**
 * Saves a file the extension fetched (with the API token, so not a plain link) to the
 * person's downloads, through an object URL and `<a download>`: no `downloads` permission.
 *
 * @example
 *   saveFile(await api.importTemplate(), 'regrant-template.csv');
 */
export function saveFile(file: Blob, name: string, doc: Document = document): void {
  const url = URL.createObjectURL(file);
  const link = doc.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // The click starts the download; the URL must live until the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
