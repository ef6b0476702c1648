import { useEffect, useRef } from 'react';

const BARS = 12;

/** Meters are read at most this often: smooth to the eye, and 50 console tiles stay cheap. */
const FRAME_MS = 40;

/**
 * A live bar meter of a level (the microphone, or a channel's received audio). It reads `level()` at most
 * every 40 ms on animation frames and writes only the bars that changed, directly, so a 12-hour shift does
 * not re-render React (nor restyle 50 console tiles) sixty times a second.
 */
export function LevelMeter({ level, running }: { level: () => number; running: boolean }) {
  const rootRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = rootRef.current;
    if (root === null) return;
    const bars = [...root.querySelectorAll<HTMLElement>('.meter__bar')];
    if (!running) {
      for (const bar of bars) bar.dataset.on = 'false';
      root.dataset.level = '0';
      return;
    }
    let frame = 0;
    let smoothed = 0;
    let last = 0;
    let shownLit = -1;
    let shownLevel = '';
    const draw = (time: number) => {
      frame = requestAnimationFrame(draw);
      if (time - last < FRAME_MS) return;
      last = time;
      const value = level();
      // Fast attack, slow decay, like a VU meter.
      smoothed = value > smoothed ? value : smoothed * 0.7 + value * 0.3;
      const lit = Math.round(smoothed * BARS);
      if (lit !== shownLit) {
        bars.forEach((bar, index) => {
          const on = index < lit;
          if (shownLit < 0 || on !== index < shownLit) bar.dataset.on = String(on);
        });
        shownLit = lit;
      }
      const levelText = smoothed.toFixed(2);
      if (levelText !== shownLevel) {
        root.dataset.level = levelText;
        shownLevel = levelText;
      }
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [level, running]);
  return (
    <div className="meter" ref={rootRef} data-level="0" aria-hidden="true">
      {Array.from({ length: BARS }, (_, index) => (
        <span key={index} className="meter__bar" data-on="false" />
      ))}
    </div>
  );
}
