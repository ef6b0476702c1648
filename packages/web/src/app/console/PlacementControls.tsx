import type { ConsoleSettings, Pan } from './consoleSettings';

function toggle(list: string[], id: string, on: boolean): string[] {
  return on ? [...list.filter((other) => other !== id), id] : list.filter((other) => other !== id);
}

const PANS: { pan: Pan; label: string; title: string }[] = [
  { pan: 'left', label: 'L', title: 'left' },
  { pan: 'centre', label: 'C', title: 'centre' },
  { pan: 'right', label: 'R', title: 'right' },
];

/** A tile's audio placement: pan left/centre/right, mute, solo, select, priority. */
export function PlacementControls(props: {
  channelId: string;
  channelName: string;
  settings: ConsoleSettings;
  /** The channel's linear gain now (a hook for tests: `data-gain`). */
  gain: number;
  update: (change: (settings: ConsoleSettings) => ConsoleSettings) => void;
}) {
  const { channelId: id, channelName: name, settings, update } = props;
  const pan = settings.pan[id] ?? 'centre';
  const muted = settings.muted.includes(id);
  const solo = settings.solo.includes(id);
  const selected = settings.selected === id;
  const priority = settings.priority.includes(id);
  const flag = (label: string, title: string, on: boolean, change: (on: boolean) => void, kind: string) => (
    <button
      type="button"
      className="placement__flag"
      data-kind={kind}
      aria-pressed={on}
      aria-label={`${title} ${name}`}
      title={title}
      onClick={() => change(!on)}
    >
      {label}
    </button>
  );
  return (
    <div
      className="placement"
      data-gain={props.gain.toFixed(3)}
      role="group"
      aria-label={`Audio placement of ${name}`}
    >
      <span className="placement__pan" role="radiogroup" aria-label={`Pan ${name}`}>
        {PANS.map((option) => (
          <button
            key={option.pan}
            type="button"
            role="radio"
            aria-checked={pan === option.pan}
            aria-label={`Pan ${name} ${option.title}`}
            title={`Pan ${option.title}`}
            onClick={() => update((s) => ({ ...s, pan: { ...s.pan, [id]: option.pan } }))}
          >
            {option.label}
          </button>
        ))}
      </span>
      {flag('M', 'Mute', muted, (on) => update((s) => ({ ...s, muted: toggle(s.muted, id, on) })), 'mute')}
      {flag('S', 'Solo', solo, (on) => update((s) => ({ ...s, solo: toggle(s.solo, id, on) })), 'solo')}
      {flag('Sel', 'Select', selected, (on) => update((s) => ({ ...s, selected: on ? id : null })), 'select')}
      {flag(
        'Pri',
        'Priority',
        priority,
        (on) => update((s) => ({ ...s, priority: toggle(s.priority, id, on) })),
        'priority',
      )}
    </div>
  );
}
