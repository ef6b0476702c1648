import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Writes 5 s of a 1 kHz tone as Ogg Opus (20 ms frames, 32 kbit/s CBR) into `dir`; returns the file's path. */
export function writeToneOpus(dir: string): string {
  const wav = path.join(dir, 'tone.wav');
  const opus = path.join(dir, 'tone.opus');
  execFileSync('sox', [
    '-n',
    '-r',
    '48000',
    '-c',
    '1',
    '-b',
    '16',
    wav,
    'synth',
    '5',
    'sine',
    '1000',
    'vol',
    '0.5',
  ]);
  execFileSync('opusenc', ['--quiet', '--framesize', '20', '--bitrate', '32', '--hard-cbr', wav, opus]);
  return opus;
}
