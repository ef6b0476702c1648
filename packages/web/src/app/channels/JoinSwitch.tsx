/** Join / leave a channel: a switch, so its state reads as "listening" or not. */
export function JoinSwitch(props: {
  channelName: string;
  joined: boolean;
  pending: boolean;
  onChange: (join: boolean) => void;
}) {
  const { channelName, joined, pending, onChange } = props;
  return (
    <button
      type="button"
      role="switch"
      className="join-switch"
      aria-checked={joined}
      aria-label={`Listen to ${channelName}`}
      data-pending={pending}
      disabled={pending}
      onClick={() => onChange(!joined)}
    >
      <span className="join-switch__track" aria-hidden="true">
        <span className="join-switch__thumb" />
      </span>
      <span className="join-switch__text">{pending ? '…' : joined ? 'Joined' : 'Join'}</span>
    </button>
  );
}
