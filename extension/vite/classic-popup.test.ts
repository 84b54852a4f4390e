import type { Entrypoint } from 'wxt';
import type { InlineConfig } from 'vite';
import { describe, expect, it } from 'vitest';
import { POPUP_SCRIPT, classicPopup, popupBuild } from './classic-popup.ts';

type Handler = (html: string) => string;
const transform = (classicPopup().transformIndexHtml as { handler: Handler }).handler;
const LOADER = '<script type="module" crossorigin src="/chunks/_virtual_wxt-html-plugins-Ab12.js"></script>';
const entry = (name: string, type: Entrypoint['type']) => ({ name, type }) as Entrypoint;
const pagesConfig = (): InlineConfig => ({
  resolve: { alias: [{ find: 'wxt/browser', replacement: '@wxt-dev/webextension-polyfill/browser' }] },
  build: { rollupOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js' } } },
});

describe('classicPopup', () => {
  it("takes WXT's plugin loader out of the page that runs the popup's script, and out of no other", () => {
    const popup = `<head>${LOADER}</head><body><div id="app"></div><script src="/${POPUP_SCRIPT}.js" ></script></body>`;
    expect(transform(popup)).toBe(`<head></head><body><div id="app"></div><script src="/${POPUP_SCRIPT}.js" ></script></body>`);
    const options = `<head>${LOADER}<script type="module" src="/chunks/options-X.js"></script></head>`;
    expect(transform(options)).toBe(options);
  });
});

describe('popupBuild', () => {
  it("builds the popup's script on the native browser, with the schemas left to chunks/responses.js", () => {
    const config = pagesConfig();
    popupBuild([entry(POPUP_SCRIPT, 'unlisted-script')], config);
    expect(config.resolve!.alias).toEqual([]);
    const { external, output } = config.build!.rollupOptions! as { external: (id: string) => boolean; output: { paths: (id: string) => string } };
    expect(external('/work/x/shared/responses.ts')).toBe(true);
    expect(external('/work/x/extension/utils/api.ts')).toBe(false);
    expect(output.paths('/work/x/shared/responses.ts')).toBe('./chunks/responses.js');

    const objectAlias: InlineConfig = { resolve: { alias: { 'wxt/browser': 'polyfill', other: 'kept' } } };
    popupBuild([entry(POPUP_SCRIPT, 'unlisted-script')], objectAlias);
    expect(objectAlias.resolve!.alias).toEqual({ other: 'kept' });
  });

  it('names the schemas chunk of the pages build, and leaves every other chunk and build as they were', () => {
    const config = pagesConfig();
    popupBuild([entry('popup', 'popup'), entry('options', 'options')], config);
    const name = (config.build!.rollupOptions!.output as { chunkFileNames: (c: { facadeModuleId: string | null }) => string }).chunkFileNames;
    expect(name({ facadeModuleId: '/work/x/shared/responses.ts' })).toBe('chunks/responses.js');
    expect(name({ facadeModuleId: '/work/x/extension/utils/api.ts' })).toBe('chunks/[name]-[hash].js');
    expect(name({ facadeModuleId: null })).toBe('chunks/[name]-[hash].js');

    const background = pagesConfig();
    popupBuild([entry('background', 'background')], background);
    expect(background).toEqual(pagesConfig());
  });
});
