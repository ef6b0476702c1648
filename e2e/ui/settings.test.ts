import { describe, expect, it } from 'vitest';
import { scaleLevel } from '../../packages/client/src/micLevel';
import {
  DEFAULT_SETTINGS,
  loadSettings,
  normalizeSettings,
  saveSettings,
  settingsKey,
} from '../../packages/client/src/settings';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

/** Per-user settings as stored in localStorage (pure functions, no browser). */
describe('user settings', () => {
  it('defaults to hold-to-talk with all microphone processing on', () => {
    const settings = loadSettings(new MemoryStorage(), 'u1');
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(settings.mode).toBe('hold');
    expect(settings.echoCancellation && settings.noiseSuppression && settings.autoGainControl).toBe(true);
  });

  it('remembers the settings per user', () => {
    const storage = new MemoryStorage();
    saveSettings(storage, 'u1', { ...DEFAULT_SETTINGS, mode: 'toggle', toneVolume: 0.3 });
    expect(loadSettings(storage, 'u1').mode).toBe('toggle');
    expect(loadSettings(storage, 'u1').toneVolume).toBe(0.3);
    expect(loadSettings(storage, 'u2').mode).toBe('hold');
    expect([...storage.items.keys()]).toEqual([settingsKey('u1')]);
  });

  it('repairs damaged or foreign entries field by field', () => {
    const storage = new MemoryStorage();
    storage.setItem(settingsKey('u1'), '{not json');
    expect(loadSettings(storage, 'u1')).toEqual(DEFAULT_SETTINGS);
    const repaired = normalizeSettings({
      mode: 'shout',
      echoCancellation: 'yes',
      noiseSuppression: false,
      jitterBufferTargetMs: 99_999,
      toneVolume: -2,
      layout: 'grid',
      joinedChannelIds: ['a', 7, '', 'b'],
      channelVolumes: { a: 0.5, b: 'loud', c: 3 },
      alwaysRelay: 'yes',
    });
    expect(repaired.alwaysRelay).toBe(false);
    expect(normalizeSettings({ alwaysRelay: true }).alwaysRelay).toBe(true);
    expect(repaired.mode).toBe('hold');
    expect(repaired.echoCancellation).toBe(true);
    expect(repaired.noiseSuppression).toBe(false);
    expect(repaired.jitterBufferTargetMs).toBe(500);
    expect(repaired.toneVolume).toBe(0);
    expect(repaired.layout).toBe('grid');
    expect(repaired.joinedChannelIds).toEqual(['a', 'b']);
    expect(repaired.channelVolumes).toEqual({ a: 0.5, c: 1 });
  });

  it('reports a storage that refuses to save', () => {
    const full = {
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    expect(saveSettings(full, 'u1', DEFAULT_SETTINGS)).toBe(false);
  });

  it('scales the microphone meter on a decibel scale', () => {
    expect(scaleLevel(0)).toBe(0);
    expect(scaleLevel(0.001)).toBe(0);
    expect(scaleLevel(0.6)).toBe(1);
    expect(scaleLevel(0.5)).toBeCloseTo(1, 2);
    const mid = scaleLevel(0.03);
    expect(mid).toBeGreaterThan(0.3);
    expect(mid).toBeLessThan(0.7);
  });
});
