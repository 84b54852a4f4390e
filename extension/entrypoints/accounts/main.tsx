import { render } from 'preact';
import { browser } from 'wxt/browser';
import { AccountsPage, type AccountsPageDeps } from '../../components/AccountsPage.tsx';
import '../../components/theme.css';
import { createApi } from '../../utils/api.ts';
import { pollNow } from '../../utils/messages.ts';
import { idFromHash } from '../../utils/page-hash.ts';
import { saveFile } from '../../utils/save-file.ts';
import { loadSettings } from '../../utils/settings.ts';
import { z } from 'zod';
import './accounts.css';

// Extension pages forbid eval: zod (the settings forms' validation) is told not to probe for it.
z.config({ jitless: true });

const deps: AccountsPageDeps = {
  api: async () => createApi(await loadSettings()),
  selectedId: () => idFromHash(location.hash),
  select: (id) => history.replaceState(null, '', `#${encodeURIComponent(id)}`),
  pollNow,
  saveFile,
  openTab: async (url) => void (await browser.tabs.create({ url })),
  writeClipboard: (text) => navigator.clipboard.writeText(text),
  now: () => new Date(),
};

render(<AccountsPage deps={deps} />, document.getElementById('app')!);
