import { useCallback } from 'react';
import { useAdmin } from '../AdminContext';
import { useLoad } from '../data/useLoad';
import { NameForm } from '../ui/NameForm';
import { ErrorNote, Loading } from '../ui/Notes';
import { ChannelPanel } from './ChannelPanel';
import { TeamCard } from './TeamCard';

/** An event's teams with their channels; the selected channel's assignments open beside them. */
export function TeamsTab({ eventId, channelId }: { eventId: string; channelId: string | undefined }) {
  const { api, go } = useAdmin();
  const load = useCallback(() => api.listTeamsWithChannels(eventId), [api, eventId]);
  const teams = useLoad(load);
  const selected = teams.data?.flatMap((team) => team.channels).find((channel) => channel.id === channelId);
  const selectedTeam = teams.data?.find((team) => team.id === selected?.teamId);

  const createTeam = async (name: string) => {
    await api.createTeam(eventId, name);
    teams.reload();
  };

  return (
    <div className="adm-split">
      <section className="adm-split-main" aria-label="Teams">
        <div className="adm-card">
          <NameForm
            label="New team"
            noun="Team name"
            submitLabel="Add team"
            placeholder="e.g. Security"
            resetOnSuccess
            onSubmit={createTeam}
          />
        </div>
        <ErrorNote message={teams.error} />
        {teams.data === undefined && teams.error === null && <Loading what="teams" />}
        {teams.data !== undefined && teams.data.length === 0 && (
          <p className="adm-muted">No teams yet. Add one above, then add its channels.</p>
        )}
        {teams.data?.map((team) => (
          <TeamCard
            key={team.id}
            team={team}
            selectedChannelId={channelId}
            onChanged={teams.reload}
            onSelectChannel={(id) => go({ page: 'event', eventId, tab: 'teams', channelId: id })}
          />
        ))}
      </section>
      <aside className="adm-split-side" aria-label="Channel assignments">
        {selected !== undefined && selectedTeam !== undefined ? (
          <ChannelPanel
            key={selected.id}
            channel={selected}
            teamName={selectedTeam.name}
            onClose={() => go({ page: 'event', eventId, tab: 'teams' })}
          />
        ) : (
          <div className="adm-card adm-muted">
            {channelId !== undefined && teams.data !== undefined
              ? 'That channel no longer exists.'
              : 'Select a channel to see and change who is assigned to it.'}
          </div>
        )}
      </aside>
    </div>
  );
}
