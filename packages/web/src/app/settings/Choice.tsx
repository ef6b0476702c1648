import type { ReactNode } from 'react';

/** One option of a radio group, styled as a large tappable card. */
export function Choice<T extends string>(props: {
  name: string;
  value: T;
  current: T;
  onPick: (value: T) => void;
  children: ReactNode;
}) {
  return (
    <label className="choice" data-checked={props.value === props.current}>
      <input
        type="radio"
        name={props.name}
        value={props.value}
        checked={props.value === props.current}
        onChange={() => props.onPick(props.value)}
      />
      <span>{props.children}</span>
    </label>
  );
}
