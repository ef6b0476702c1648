/** Listening volume of one channel, 0–100 %. */
export function VolumeSlider(props: {
  channelName: string;
  volume: number;
  disabled: boolean;
  onChange: (volume: number) => void;
}) {
  const { channelName, volume, disabled, onChange } = props;
  const percent = Math.round(volume * 100);
  return (
    <label className="volume">
      <span className="volume__icon" aria-hidden="true" data-muted={percent === 0} />
      <input
        type="range"
        min={0}
        max={100}
        step={5}
        value={percent}
        disabled={disabled}
        aria-label={`Volume of ${channelName}`}
        aria-valuetext={`${percent} %`}
        onChange={(event) => onChange(Number(event.currentTarget.value) / 100)}
      />
      <span className="volume__value">{percent}</span>
    </label>
  );
}
