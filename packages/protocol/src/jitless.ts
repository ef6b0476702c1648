import { z } from 'zod';

/*
 * Schema validation without generated code, set before any schema of this package is built (index.ts imports
 * this module first). Zod otherwise probes `Function('')` while building object schemas to decide whether it
 * may compile validators — which the web app's Content-Security-Policy (no 'unsafe-eval') reports as a
 * violation. Signalling messages are small and few per second; interpreted validation is plenty fast.
 */
z.config({ jitless: true });
