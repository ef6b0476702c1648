import { execFileSync, spawnSync } from 'node:child_process';

/** Opus packets of an Ogg file (a minimal demuxer for tests: whole packets, header packets included). */
export function oggPackets(file: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let partial: Buffer[] = [];
  let offset = 0;
  while (offset < file.length) {
    if (file.toString('ascii', offset, offset + 4) !== 'OggS') throw new Error(`No Ogg page at ${offset}`);
    const segments = file[offset + 26]!;
    const lacing = file.subarray(offset + 27, offset + 27 + segments);
    let data = offset + 27 + segments;
    for (const lace of lacing) {
      partial.push(file.subarray(data, data + lace));
      data += lace;
      if (lace < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    offset = data;
  }
  return packets;
}

/** sox's "Rough frequency" and length of a decoded file. */
export function soxStat(wav: string): { frequency: number; seconds: number; rms: number } {
  // sox prints `stat` to stderr.
  const result = spawnSync('sox', [wav, '-n', 'stat'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sox failed: ${result.stderr}`);
  return parseStat(result.stderr);
}

/** Checks the file with opusinfo and decodes it with opusdec (opus-tools); returns the WAV's path. */
export function decodeWithOpusTools(ogg: string): { wav: string; info: string } {
  const info = execFileSync('opusinfo', [ogg], { encoding: 'utf8' });
  const wav = `${ogg}.wav`;
  execFileSync('opusdec', ['--quiet', ogg, wav], { stdio: 'ignore' });
  return { wav, info };
}

export function parseStat(text: string): { frequency: number; seconds: number; rms: number } {
  const field = (name: string): number => {
    const match = new RegExp(`${name}:\\s+(-?[0-9.]+)`).exec(text);
    if (match?.[1] === undefined) throw new Error(`sox stat has no "${name}":\n${text}`);
    return Number(match[1]);
  };
  return {
    frequency: field('Rough\\s+frequency'),
    seconds: field('Length \\(seconds\\)'),
    rms: field('RMS\\s+amplitude'),
  };
}
