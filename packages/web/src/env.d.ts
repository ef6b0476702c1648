/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The build's id (SQUELCH_BUILD_ID at build time, else the build's time). */
  readonly VITE_SQUELCH_BUILD: string;
}
