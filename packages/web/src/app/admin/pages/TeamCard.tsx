import { useState } from 'react';
import { useAdmin } from '../AdminContext';
import type { Channel, TeamWithChannels } from '../data/types';
import { ConfirmButton } from '../ui/ConfirmButton';
import { plural } from '../ui/format';
import { NameForm } from '../ui/NameForm';
import { ErrorNote } from '../ui/Notes';
import { useAction } from '../ui/useAction';

interface Props {
  team: TeamWithChannels;
  selectedChannelId: string | undefined;
  onChanged: () => void;
  onSelectChannel: (channelId: string) => void;
}

/** A team: rename or delete it, and add, rename, delete or open its channels. */
export function TeamCard({ team, selectedChannelId, onChanged, onSelectChannel }: Props) {
  const { api } = useAdmin();
  const [renaming, setRenaming] = useState(false);
  const remove = useAction();

  const rename = async (name: string) => {
    await api.renameTeam(team.id, name);
    setRenaming(false);
    onChanged();
  };

  const deleteTeam = async () => {
    if (await remove.run(() => api.deleteTeam(team.id))) onChanged();
  };

  const createChannel = async (name: string) => {
    const channel = await api.createChannel(team.id, name);
    onChanged();
    onSelectChannel(channel.id);
  };

  return (
    <section className="adm-card adm-team" aria-label={`Team ${team.name}`}>
      <header className="adm-team-head">
        {renaming ? (
          <NameForm
            label="Team name"
            noun="Team name"
            submitLabel="Save"
            initial={team.name}
            compact
            onSubmit={rename}
            onCancel={() => setRenaming(false)}
          />
        ) : (
          <>
            <h3>
              {team.name} <span className="adm-count">{plural(team.channels.length, 'channel')}</span>
            </h3>
            <div className="adm-row">
              <button type="button" className="adm-link" onClick={() => setRenaming(true)}>
                Rename
              </button>
              <ConfirmButton
                label="Delete"
                ariaLabel={`Delete team ${team.name}`}
                title={`Delete the team “${team.name}”?`}
                confirmLabel="Delete team"
                disabled={remove.busy}
                onConfirm={deleteTeam}
              >
                <p>
                  {team.channels.length > 0
                    ? `Its ${plural(team.channels.length, 'channel')} are deleted too, and everyone on them is cut off at once.`
                    : 'The team has no channels.'}
                </p>
              </ConfirmButton>
            </div>
          </>
        )}
      </header>
      <ErrorNote message={remove.error} />

      {team.channels.length > 0 && (
        <ul className="adm-channels">
          {team.channels.map((channel) => (
            <ChannelRow
              key={channel.id}
              channel={channel}
              selected={channel.id === selectedChannelId}
              onSelect={() => onSelectChannel(channel.id)}
              onChanged={onChanged}
            />
          ))}
        </ul>
      )}
      <NameForm
        label={`New channel in ${team.name}`}
        noun="Channel name"
        submitLabel="Add channel"
        placeholder="Channel name"
        compact
        resetOnSuccess
        onSubmit={createChannel}
      />
    </section>
  );
}

interface RowProps {
  channel: Channel;
  selected: boolean;
  onSelect: () => void;
  onChanged: () => void;
}

function ChannelRow({ channel, selected, onSelect, onChanged }: RowProps) {
  const { api } = useAdmin();
  const [renaming, setRenaming] = useState(false);
  const remove = useAction();

  const rename = async (name: string) => {
    await api.renameChannel(channel.id, name);
    setRenaming(false);
    onChanged();
  };

  const deleteChannel = async () => {
    if (await remove.run(() => api.deleteChannel(channel.id))) onChanged();
  };

  if (renaming) {
    return (
      <li className="adm-channel">
        <NameForm
          label="Channel name"
          noun="Channel name"
          submitLabel="Save"
          initial={channel.name}
          compact
          onSubmit={rename}
          onCancel={() => setRenaming(false)}
        />
      </li>
    );
  }

  return (
    <li className={selected ? 'adm-channel adm-selected' : 'adm-channel'}>
      <button
        type="button"
        className="adm-channel-name"
        aria-pressed={selected}
        title="Show who is assigned"
        onClick={onSelect}
      >
        {channel.name}
      </button>
      <div className="adm-row">
        <button type="button" className="adm-link" onClick={() => setRenaming(true)}>
          Rename
        </button>
        <ConfirmButton
          label="Delete"
          ariaLabel={`Delete channel ${channel.name}`}
          title={`Delete the channel “${channel.name}”?`}
          confirmLabel="Delete channel"
          disabled={remove.busy}
          onConfirm={deleteChannel}
        >
          <p>Everyone assigned to it loses it at once, also mid-transmission.</p>
        </ConfirmButton>
      </div>
      <ErrorNote message={remove.error} />
    </li>
  );
}
