import { render } from 'preact';
import { Options, type OptionsDeps } from '../../components/Options.tsx';
import '../../components/theme.css';
import { ApiError, createApi } from '../../utils/api.ts';
import { pollNow } from '../../utils/messages.ts';
import { loadSettings, saveSettings } from '../../utils/settings.ts';
import { signIn } from '../../utils/signin.ts';
import { browser } from 'wxt/browser';
import './options.css';

const deps: OptionsDeps = {
  load: loadSettings,
  save: saveSettings,
  async fetchStatus(settings) {
    const answer = await createApi(settings).status();
    if (!answer.changed) throw new ApiError('not_regrant', 'The server answered 304 to a first request.');
    return answer.status;
  },
  pollNow,
  signIn: (serverUrl) => signIn(serverUrl, browser.identity),
  me: (serverUrl, apiToken) => createApi({ serverUrl, apiToken }).me(),
  signOut: (serverUrl, apiToken) => createApi({ serverUrl, apiToken }).logout(),
};

render(<Options deps={deps} />, document.getElementById('app')!);
