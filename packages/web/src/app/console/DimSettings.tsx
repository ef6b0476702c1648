import { DIM_LIMIT_DB } from './consoleSettings';
import type { ConsoleSettings } from './consoleSettings';

function DimInput(props: { label: string; value: number; onChange: (db: number) => void }) {
  return (
    <label className="dim">
      {props.label}
      <input
        type="number"
        min={0}
        max={DIM_LIMIT_DB}
        step={1}
        value={props.value}
        onChange={(event) => {
          const db = Number(event.currentTarget.value);
          if (Number.isFinite(db) && db >= 0 && db <= DIM_LIMIT_DB) props.onChange(db);
        }}
      />
      dB
    </label>
  );
}

/** How much unselected channels, and the others while a priority channel is active, are dimmed. */
export function DimSettings(props: {
  settings: ConsoleSettings;
  update: (change: (settings: ConsoleSettings) => ConsoleSettings) => void;
}) {
  const { settings, update } = props;
  return (
    <span className="console__dims">
      <DimInput
        label="Unselected dim"
        value={settings.selectDimDb}
        onChange={(db) => update((s) => ({ ...s, selectDimDb: db }))}
      />
      <DimInput
        label="Priority dim"
        value={settings.priorityDimDb}
        onChange={(db) => update((s) => ({ ...s, priorityDimDb: db }))}
      />
    </span>
  );
}
