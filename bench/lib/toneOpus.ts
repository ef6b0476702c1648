import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { toneFile } from '../../e2e/support/browser';

/**
 * Writes the tests' 1 kHz tone (10 s, half scale) as Ogg Opus (20 ms frames, 32 kbit/s CBR) into `dir`; returns
 * the file's path.
 */
export function writeToneOpus(dir: string): string {
  const opus = path.join(dir, 'tone.opus');
  execFileSync('opusenc', [
    '--quiet',
    '--framesize',
    '20',
    '--bitrate',
    '32',
    '--hard-cbr',
    toneFile(1000),
    opus,
  ]);
  return opus;
}
