/**
 * What a benchmark started, stopped in reverse order exactly once: at the end, on a failure, or on SIGINT /
 * SIGTERM (then the process exits 130). A failing step is reported and the others still run; once done, the
 * signal handlers are removed.
 */
export function cleanupStack(): {
  push: (step: () => Promise<void> | void) => void;
  cleanup: () => Promise<void>;
} {
  const steps: (() => Promise<void> | void)[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    cleaning ??= (async () => {
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (error) {
          console.error('cleanup step failed:', error);
        }
      }
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    })();
    return cleaning;
  };
  const onSignal = (): void => {
    console.error('interrupted; stopping everything');
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { push: (step) => steps.push(step), cleanup };
}
