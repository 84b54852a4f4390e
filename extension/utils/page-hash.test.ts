import { expect, it } from 'vitest';
import { idFromHash } from './page-hash.ts';

it('reads the mailbox id of the accounts page address, and no id from a malformed one', () => {
  expect(idFromHash('#acc_1')).toBe('acc_1');
  expect(idFromHash('#acc%201')).toBe('acc 1');
  expect(idFromHash('')).toBeNull();
  expect(idFromHash('#')).toBeNull();
  for (const bad of ['#%', '#%E0%A4%A', '#acc_1%zz']) expect(idFromHash(bad)).toBeNull();
});
