import fs from 'node:fs';
import path from 'node:path';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { TlsMaterial } from './tls';

/** A named readiness check for /readyz: resolves true when the dependency is usable. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<boolean> | boolean;
}

export interface HttpServerOptions {
  tls: TlsMaterial;
  logger: Logger;
  /** Folder of the built web UI; served at / when it exists. */
  webRoot: string;
  readiness: ReadinessCheck[];
  /** Reverse proxies trusted for the client address (Fastify `trustProxy`). Default: none. */
  trustProxy?: boolean | string[] | ((address: string, hop: number) => boolean);
  /** Serve the hand-test page (lab.html) and source maps. Default false. */
  devPages?: boolean;
  /** Conditions /readyz reports without failing readiness (e.g. recording paused), by name. */
  notices?: () => Record<string, string | undefined>;
  /**
   * Other nodes' origins (SQUELCH_ALLOWED_ORIGINS): the page may open its signalling socket and API calls
   * there too (the CSP's connect-src), so a client can fail over between nodes.
   */
  peerOrigins?: readonly string[];
}

/**
 * The Content-Security-Policy of every answer. The built app loads scripts, styles, tones and its signalling
 * socket from its own origin only; nothing may frame it. Vite may inline small assets as data: URLs.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  mediaSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  manifestSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Paths only a development setup serves: the hand-test page and source maps. */
function isDevOnly(pathname: string): boolean {
  return pathname === '/lab.html' || pathname.endsWith('.map');
}

/**
 * The Fastify HTTPS server: REST API routes are registered on it by their owners, the signalling WebSocket
 * attaches to its underlying Node server, and it serves the web UI, /healthz (alive) and /readyz (dependencies).
 */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  // Typed as Fastify's logger interface so the instance keeps Fastify's default generic parameters.
  const logger: FastifyBaseLogger = options.logger.child({ module: 'http' });
  const app = Fastify({
    https: { key: options.tls.key, cert: options.tls.cert },
    loggerInstance: logger,
    // Request start/end lines would drown the session logs; errors are still logged by the handlers.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
    trustProxy: options.trustProxy ?? false,
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        ...CONTENT_SECURITY_POLICY,
        connectSrc: [
          ...CONTENT_SECURITY_POLICY.connectSrc,
          ...(options.peerOrigins ?? []).flatMap((origin) => [origin, origin.replace(/^http/, 'ws')]),
        ],
      },
    },
    strictTransportSecurity: { maxAge: 180 * 86_400, includeSubDomains: false },
    referrerPolicy: { policy: 'no-referrer' },
    // Frames are refused by frame-ancestors; X-Frame-Options says the same to older browsers.
    xFrameOptions: { action: 'deny' },
  });

  if (options.devPages !== true) {
    app.addHook('onRequest', async (request, reply) => {
      if (isDevOnly(request.url.split('?')[0] ?? '')) {
        return reply.code(404).send({
          error: { code: 'not_found', message: 'Development pages are not served (SQUELCH_DEV_PAGES).' },
        });
      }
      return undefined;
    });
  }

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      options.readiness.map(async ({ name, check }) => {
        try {
          return [name, await check()] as const;
        } catch {
          return [name, false] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, ok]) => ok);
    const notices = Object.fromEntries(
      Object.entries(options.notices?.() ?? {}).filter(([, text]) => text !== undefined),
    );
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks, notices });
  });

  if (fs.existsSync(path.join(options.webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: options.webRoot, wildcard: false });
    // Client-side routes of the single-page app fall back to index.html; unknown API paths stay 404 JSON.
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/ws')) {
        return reply.type('text/html').sendFile('index.html');
      }
      return reply.code(404).send({
        error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` },
      });
    });
  } else {
    options.logger.warn({ webRoot: options.webRoot }, 'web UI not built; serving the API only');
  }
  return app;
}
