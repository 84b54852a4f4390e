import { render } from 'preact';
import { Options, type OptionsDeps } from '../../components/Options.tsx';
import '../../components/theme.css';
import { ApiError, createApi } from '../../utils/api.ts';
import { t } from '../../utils/i18n.ts';
import { pollNow } from '../../utils/messages.ts';
import { loadSettings, saveSettings } from '../../utils/settings.ts';
import './options.css';

const deps: OptionsDeps = {
  load: loadSettings,
  save: saveSettings,
  async fetchStatus(settings) {
    const answer = await createApi(settings).status();
    if (!answer.changed) throw new ApiError('not_regrant', t('errors_first304'));
    return answer.status;
  },
  pollNow,
};

document.title = t('options_title');
render(<Options deps={deps} welcome={location.hash === '#welcome'} />, document.getElementById('app')!);
