import type { Role } from '../auth/AuthSession';

/** A channel the user may use, with where it belongs. */
export interface ChannelInfo {
  id: string;
  name: string;
  teamId: string;
  teamName: string;
  eventId: string;
  eventName: string;
  /** The user's role in the channel's event. */
  role: Role;
  /** The event requires dispatchers to confirm headphones before talking from the console. */
  headphonesRequired: boolean;
}

interface MyEvent {
  id: string;
  name: string;
  role: Role;
  headphonesRequired?: boolean;
  teams: { id: string; name: string; channels: { id: string; name: string }[] }[];
}

function isMyEvents(value: unknown): value is { events: MyEvent[] } {
  return typeof value === 'object' && value !== null && 'events' in value && Array.isArray(value.events);
}

/** GET /api/me/channels, flattened in the server's order (event, team, channel). */
export async function fetchMyChannels(api: (path: string) => Promise<unknown>): Promise<ChannelInfo[]> {
  const body = await api('/api/me/channels');
  if (!isMyEvents(body)) throw new Error('The server sent an unexpected channel list.');
  const seen = new Set<string>();
  const channels: ChannelInfo[] = [];
  for (const event of body.events) {
    for (const team of event.teams) {
      for (const channel of team.channels) {
        if (seen.has(channel.id)) continue;
        seen.add(channel.id);
        channels.push({
          id: channel.id,
          name: channel.name,
          teamId: team.id,
          teamName: team.name,
          eventId: event.id,
          eventName: event.name,
          role: event.role,
          headphonesRequired: event.headphonesRequired === true,
        });
      }
    }
  }
  return channels;
}
