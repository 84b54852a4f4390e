import { h, type Component, type FunctionComponent } from 'preact';

/**
 * Preact's `memo`, without importing `preact/compat` for it: compat also rewrites every
 * text input's onChange into onInput and changes the events of the whole page.
 *
 * @example
 *   export const ImportResults = memo(function ImportResults({ view }) { … });
 *   // renders again only when a prop is another value (Object.is) than before
 */
export function memo<P extends object>(render: FunctionComponent<P>): FunctionComponent<P> {
  function Memoised(this: Component<P>, props: P) {
    this.shouldComponentUpdate = (next: P) => !sameProps(this.props, next);
    return h(render, props);
  }
  Memoised.displayName = `Memo(${render.displayName ?? render.name})`;
  return Memoised;
}

/** Same keys with the same values; `children` counts like any prop. */
export function sameProps(a: object, b: object): boolean {
  const before = a as Record<string, unknown>;
  const after = b as Record<string, unknown>;
  const keys = Object.keys(before);
  return keys.length === Object.keys(after).length && keys.every((k) => k in after && Object.is(before[k], after[k]));
}
