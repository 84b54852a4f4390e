import { cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportResults } from '../../extension/components/ImportResults.tsx';
import { memo, sameProps } from '../../extension/components/memo.ts';
import { importView } from './import-server.ts';
import { rendersOf } from './render-count.ts';

afterEach(cleanup);

describe('a memoised component', () => {
  it('compares props one by one, by identity', () => {
    const rows = [1, 2];
    expect(sameProps({ rows, n: 1 }, { rows, n: 1 })).toBe(true);
    expect(sameProps({ rows, n: 1 }, { rows: [1, 2], n: 1 })).toBe(false);
    expect(sameProps({ rows }, { rows, n: undefined })).toBe(false);
    expect(sameProps({ n: NaN }, { n: NaN })).toBe(true);
  });

  it('renders again only when a prop changed', () => {
    function Label({ text }: { text: string }) {
      return <p>{text}</p>;
    }
    const Memoised = memo(Label);
    const rendered = rendersOf('Label');
    try {
      const { rerender, container } = render(<Memoised text="a" />);
      rerender(<Memoised text="a" />);
      expect(rendered.count).toBe(1);
      rerender(<Memoised text="b" />);
      expect(rendered.count).toBe(2);
      expect(container.textContent).toBe('b');
    } finally {
      rendered.stop();
    }
  });

  it('the results of an import render no row again for the same import and button', () => {
    const view = importView({ rows: Array.from({ length: 50 }, (_, i) => ({ line: i + 2, email: `box${i}@acme.test`, status: 'created' as const })) });
    const button = <button type="button">Download report</button>;
    const { rerender } = render(<ImportResults view={view} downloadReport={button} />);
    const rendered = rendersOf('ResultRow');
    try {
      rerender(<ImportResults view={view} downloadReport={button} />);
      expect(rendered.count).toBe(0);
    } finally {
      rendered.stop();
    }
  });
});
