import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A spoken sentence as a 48 kHz mono WAV (espeak-ng, resampled with sox), made once per text and voice.
 * Chromium loops a fake-microphone file, so a person "talks" continuously with short pauses between repeats.
 */
export function speechFile(
  text: string,
  voice = 'en',
  options: { pitch?: number; speed?: number } = {},
): string {
  const dir = path.join(os.tmpdir(), 'squelch-e2e-audio');
  fs.mkdirSync(dir, { recursive: true });
  const name = `${voice}-${options.pitch ?? 50}-${options.speed ?? 160}-${text}`
    .replace(/[^a-z0-9-]+/gi, '_')
    .slice(0, 80);
  const file = path.join(dir, `speech-${name}.wav`);
  if (!fs.existsSync(file)) {
    const raw = `${file}.${process.pid}.raw.wav`;
    const partial = `${file}.${process.pid}.wav`;
    execFileSync('espeak-ng', [
      '-v',
      voice,
      '-p',
      String(options.pitch ?? 50),
      '-s',
      String(options.speed ?? 160),
      '-w',
      raw,
      text,
    ]);
    execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', partial, 'norm', '-3']);
    fs.rmSync(raw);
    fs.renameSync(partial, file);
  }
  return file;
}
