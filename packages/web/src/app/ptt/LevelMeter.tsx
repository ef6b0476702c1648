import { useEffect, useRef } from 'react';

const BARS = 12;

/**
 * A live bar meter of the transmitted microphone level. It reads `level()` on every animation frame and
 * writes the bars' style directly, so a 12-hour shift does not re-render React sixty times a second.
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
    const draw = () => {
      const value = level();
      // Fast attack, slow decay, like a VU meter.
      smoothed = value > smoothed ? value : smoothed * 0.85 + value * 0.15;
      const lit = Math.round(smoothed * BARS);
      bars.forEach((bar, index) => {
        bar.dataset.on = String(index < lit);
      });
      root.dataset.level = smoothed.toFixed(2);
      frame = requestAnimationFrame(draw);
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
