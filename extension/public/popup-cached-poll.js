// Asks for the popup's cached first page (utils/poll.ts, readCachedPoll) while the popup's code is
// still loading: an async script of its own, so that the read is not queued behind the code.
globalThis.regrantCachedPoll = (globalThis.browser?.runtime?.id ? globalThis.browser : globalThis.chrome).storage.local.get('pollHead');
