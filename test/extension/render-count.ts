import { options } from 'preact';

/**
 * Counts, from now on, the renders of the components named `name`, through Preact's public
 * `options.vnode` hook; `stop()` puts the hook back.
 */
export function rendersOf(name: string) {
  const before = options.vnode;
  const rendered = { count: 0, stop: () => void (options.vnode = before) };
  options.vnode = (vnode) => {
    if (typeof vnode.type === 'function' && vnode.type.name === name) rendered.count++;
    before?.(vnode);
  };
  return rendered;
}
