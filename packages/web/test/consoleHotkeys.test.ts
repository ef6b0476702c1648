import { describe, expect, it } from 'vitest';
import { assignHotkey, channelOfKey, normalizeHotkeys } from '../src/app/keys/consoleHotkeys';

describe('console channel keys', () => {
  it('gives a key to one channel only, taking it from the channel that had it', () => {
    let keys = assignHotkey({}, 'gates', 'F1');
    keys = assignHotkey(keys, 'backstage', 'F2');
    expect(channelOfKey(keys, 'F1')).toBe('gates');
    keys = assignHotkey(keys, 'backstage', 'F1');
    expect(keys).toEqual({ backstage: 'F1' });
    expect(channelOfKey(keys, 'F2')).toBeUndefined();
    expect(assignHotkey(keys, 'backstage', null)).toEqual({});
  });

  it('keeps only well-formed stored keys: strings, not reserved, one channel per key', () => {
    expect(normalizeHotkeys(null)).toEqual({});
    expect(normalizeHotkeys(['F1'])).toEqual({});
    expect(normalizeHotkeys({ a: 'F1', b: 'F1', c: 7, d: 'Escape', e: '', f: 'Digit3' })).toEqual({
      a: 'F1',
      f: 'Digit3',
    });
  });
});
