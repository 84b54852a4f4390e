import { useAction } from './use-action.ts';

/** A button that fetches a file with the API token and saves it; says why when it cannot. */
export function DownloadButton({ label, name, fetchFile, save }: { label: string; name: string; fetchFile: () => Promise<Blob>; save: (file: Blob, name: string) => void }) {
  const { busy, error, run } = useAction();
  const download = () => run(async () => save(await fetchFile(), name));
  return (
    <span class="download">
      <button type="button" disabled={busy} onClick={() => void download()}>
        {label}
      </button>
      <span class="result error" role="status">
        {error}
      </span>
    </span>
  );
}
