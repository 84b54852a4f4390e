import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { startBackground } from '../utils/background.ts';
import { createApi } from '../utils/api.ts';
import { createPoller } from '../utils/poll.ts';
import { loadSettings } from '../utils/settings.ts';

export default defineBackground(() => {
  startBackground(browser, createPoller({ loadSettings, makeApi: createApi }));
});
