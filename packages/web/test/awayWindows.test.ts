import { describe, expect, it } from 'vitest';
import { back, leave, missedIn } from '../src/app/history/awayWindows';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, second));
const talk = (second: number, talkerId = 'gus') => ({ talkerId, startedAt: at(second).toISOString() });

describe('missed while away', () => {
  it('counts what others said during an absence, oldest first, and not what the listener said', () => {
    let windows = leave([], null, at(10));
    windows = back(windows, null, at(20));
    const newestFirst = [talk(25), talk(18), talk(15, 'me'), talk(12), talk(5)];
    expect(missedIn(windows, newestFirst, 'me').map((t) => t.startedAt)).toEqual([
      at(12).toISOString(),
      at(18).toISOString(),
    ]);
  });

  it('does not count what was heard between two absences', () => {
    let windows = leave([], null, at(10));
    windows = back(windows, null, at(20));
    windows = leave(windows, null, at(30));
    windows = back(windows, null, at(40));
    const newestFirst = [talk(35), talk(25), talk(15)];
    expect(missedIn(windows, newestFirst, 'me').map((t) => t.startedAt)).toEqual([
      at(15).toISOString(),
      at(35).toISOString(),
    ]);
  });

  it('resumes an absence from the start kept over a reload, and an open one counts until now', () => {
    const resumed = leave([], at(10), at(50));
    expect(resumed).toEqual([{ from: at(10), to: null }]);
    expect(missedIn(resumed, [talk(45), talk(5)], 'me')).toHaveLength(1);
    expect(back([], at(10), at(50))).toEqual([{ from: at(10), to: at(50) }]);
    // Leaving twice keeps the first start.
    expect(leave(resumed, null, at(60))).toBe(resumed);
  });
});
