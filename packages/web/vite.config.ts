import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The build's id, readable by the app (Settings, tests): SQUELCH_BUILD_ID when given, else the build's time.
process.env.VITE_SQUELCH_BUILD = process.env.SQUELCH_BUILD_ID ?? new Date().toISOString();

// Two pages: the app (index.html) and a minimal hand-test page (lab.html) used by the end-to-end tests.
export default defineConfig({
  plugins: [
    react(),
    // Installable app: the manifest and a Workbox service worker (app/pwa/serviceWorker.ts registers it).
    VitePWA({
      injectRegister: null,
      registerType: 'prompt',
      filename: 'sw.js',
      manifest: {
        id: '/',
        name: 'Squelch push-to-talk radio',
        short_name: 'Squelch',
        description: 'Push-to-talk radio for event teams',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#0b0e13',
        theme_color: '#0b0e13',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The shell (start page and hashed assets) is precached; a new build has a new precache revision.
        // A start goes to the network first, so the next start after a deploy runs the new build; only when
        // the server cannot be reached does the precached start page answer (the app then shows its
        // offline screen) — never a browser error page.
        globPatterns: ['**/*.{html,js,css,png,svg,webmanifest}'],
        globIgnores: ['lab.html', '**/lab-*', '**/*.map'],
        // '/' must not be answered from the precache (that would run the old build after a deploy).
        directoryIndex: '',
        navigateFallback: null,
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            urlPattern: ({ request, url }) =>
              request.mode === 'navigate' &&
              !url.pathname.startsWith('/api/') &&
              url.pathname !== '/lab.html',
            handler: 'NetworkFirst',
            options: {
              cacheName: 'squelch-start',
              networkTimeoutSeconds: 4,
              plugins: [
                {
                  // Not kept here: the precached start page matches the precached assets of its build.
                  cacheWillUpdate: () => Promise.resolve(null),
                  // Every client-side route is the same start page.
                  handlerDidError: async () =>
                    (await caches.match('/index.html', { ignoreSearch: true })) ?? Response.error(),
                },
              ],
            },
          },
        ],
      },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        lab: resolve(import.meta.dirname, 'lab.html'),
      },
    },
  },
});
