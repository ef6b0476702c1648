import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Feedback tones played by the web UI on the listener's own speakers (never sent to a channel).
 *
 * Naming scheme: one file per tone, named `<tone>.<ext>` with tone `transmit-start`, `transmit-end`,
 * `busy` or `emergency`, and ext `ogg`, `mp3` or `wav` (first found wins, in that order). A file in the configured folder
 * (SQUELCH_TONES_DIR) replaces the built-in one of the same tone; tones it lacks fall back to the built-in
 * defaults. Files are looked up on every request, so dropping a file into the folder takes effect on the
 * next page load without a rebuild or restart.
 */
export const TONE_NAMES = ['transmit-start', 'transmit-end', 'busy', 'emergency'] as const;
export type ToneName = (typeof TONE_NAMES)[number];

const EXTENSIONS = ['ogg', 'mp3', 'wav'] as const;
type Extension = (typeof EXTENSIONS)[number];

const CONTENT_TYPES: Record<Extension, string> = { ogg: 'audio/ogg', mp3: 'audio/mpeg', wav: 'audio/wav' };

/** Larger files are refused: a feedback tone is a fraction of a second. */
const MAX_TONE_BYTES = 2 * 1024 * 1024;

const FILE_PATTERN = new RegExp(`^(${TONE_NAMES.join('|')})\\.(${EXTENSIONS.join('|')})$`);

export interface TonesOptions {
  /** Deployer's folder of tone files; undefined when not configured. */
  tonesDir: string | undefined;
  /** Folder of the built-in defaults (packages/server/assets/tones). */
  builtinDir: string;
}

interface ToneFile {
  name: ToneName;
  file: string;
  fullPath: string;
  extension: Extension;
  size: number;
  modifiedMs: number;
}

/** The manifest answer: which tones exist, and the URL of each. */
export interface ToneManifest {
  tones: Partial<Record<ToneName, string>>;
}

async function statFile(fullPath: string): Promise<{ size: number; modifiedMs: number } | undefined> {
  try {
    const stat = await fs.stat(fullPath);
    return stat.isFile() ? { size: stat.size, modifiedMs: Math.floor(stat.mtimeMs) } : undefined;
  } catch {
    return undefined;
  }
}

function folders(options: TonesOptions): string[] {
  return options.tonesDir !== undefined ? [options.tonesDir, options.builtinDir] : [options.builtinDir];
}

/** The file that serves a tone: the configured folder first, then the built-ins; ogg, mp3, wav in order. */
async function findTone(options: TonesOptions, name: ToneName): Promise<ToneFile | undefined> {
  for (const folder of folders(options)) {
    for (const extension of EXTENSIONS) {
      const file = `${name}.${extension}`;
      const fullPath = path.join(folder, file);
      const stat = await statFile(fullPath);
      if (stat !== undefined && stat.size > 0 && stat.size <= MAX_TONE_BYTES) {
        return { name, file, fullPath, extension, ...stat };
      }
    }
  }
  return undefined;
}

function notFound(reply: FastifyReply, message: string) {
  return reply.code(404).send({ error: { code: 'not_found', message } });
}

/** Registers GET /tones/manifest.json and GET /tones/<tone>.<ext>. Call before the server listens. */
export function registerTones(app: FastifyInstance, options: TonesOptions): void {
  app.get('/tones/manifest.json', async (_request, reply) => {
    const manifest: ToneManifest = { tones: {} };
    for (const name of TONE_NAMES) {
      const tone = await findTone(options, name);
      // The version parameter changes when the file does, so browsers never play a stale tone.
      if (tone !== undefined) manifest.tones[name] = `/tones/${tone.file}?v=${tone.modifiedMs.toString(36)}`;
    }
    return reply.header('cache-control', 'no-cache').send(manifest);
  });

  app.get<{ Params: { file: string } }>('/tones/:file', async (request, reply) => {
    const match = FILE_PATTERN.exec(request.params.file);
    if (match === null) {
      return notFound(
        reply,
        `No tone named "${request.params.file.slice(0, 64)}". See /tones/manifest.json.`,
      );
    }
    const name = match[1] as ToneName;
    const extension = match[2] as Extension;
    const tone = await findTone(options, name);
    if (tone === undefined || tone.extension !== extension) {
      return notFound(reply, `The tone ${name}.${extension} is not available. See /tones/manifest.json.`);
    }
    const body = await fs.readFile(tone.fullPath);
    return reply
      .header('content-type', CONTENT_TYPES[extension])
      .header('cache-control', 'public, max-age=86400')
      .send(body);
  });
}
