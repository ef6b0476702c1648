import { PttClient } from '@squelch/client';
import type { ChannelView, TransmitEvent } from '@squelch/client';
import { levelNow, measureTrack } from './audioProbe';

interface MyChannel {
  id: string;
  name: string;
  team: string;
}

const statusEl = document.querySelector<HTMLOutputElement>('#status')!;
const logEl = document.querySelector<HTMLDivElement>('#log')!;
const channelsEl = document.querySelector<HTMLDivElement>('#channels')!;
const micButton = document.querySelector<HTMLButtonElement>('#mic')!;
const form = document.querySelector<HTMLFormElement>('#signin')!;

let accessToken: string | undefined;
let client: PttClient | undefined;
const transmitLog: TransmitEvent[] = [];

function log(line: string): void {
  logEl.textContent = `${new Date().toISOString().slice(11, 23)} ${line}\n${logEl.textContent ?? ''}`.slice(
    0,
    20_000,
  );
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(accessToken !== undefined ? { authorization: `Bearer ${accessToken}` } : {}),
    },
  });
  const body = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
  return body;
}

async function signIn(email: string, password: string): Promise<void> {
  const session = await api<{ accessToken: string }>('/api/auth/login', {
    method: 'POST',
    body: JSON.stringify({ email, password }),
  });
  accessToken = session.accessToken;
  await connect();
}

/** Options for automated tests: a raw microphone (no echo cancellation, noise suppression or gain control). */
interface ConnectOptions {
  rawMicrophone?: boolean;
  /** Signalling URLs to use (default: this page's server); reconnection moves on to the next one. */
  urls?: string[];
  jitterBufferTargetMs?: number;
  /** 'relay': TURN only. */
  iceTransportPolicy?: 'all' | 'relay';
}

async function connect(options: ConnectOptions = {}): Promise<PttClient> {
  client?.close();
  const created = new PttClient({
    media: {
      ...(options.jitterBufferTargetMs !== undefined
        ? { jitterBufferTargetMs: options.jitterBufferTargetMs }
        : {}),
      ...(options.iceTransportPolicy !== undefined ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
    },
    ...(options.rawMicrophone === true
      ? { microphone: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } }
      : {}),
    url: options.urls ?? `wss://${location.host}/ws`,
    getToken: () =>
      accessToken === undefined ? Promise.reject(new Error('Not signed in')) : Promise.resolve(accessToken),
  });
  client = created;
  created.on('connection', (state) => {
    statusEl.textContent = state;
    log(`connection ${state}`);
  });
  created.on('channel', (view) => renderChannel(view));
  created.on('transmit', (event) => {
    transmitLog.push(event);
    log(
      `transmit ${event.channelId.slice(0, 8)} ${event.state}${'reason' in event ? ` (${event.reason})` : ''}${event.state === 'denied' ? `: ${event.result.message}` : ''}`,
    );
  });
  created.on('accessRevoked', ({ channelId, reason }) =>
    log(`access to ${channelId.slice(0, 8)} revoked: ${reason}`),
  );
  created.on('error', (error) => log(`error: ${error.message}`));
  await created.connect();
  micButton.disabled = false;
  const mine = await myChannels();
  channelsEl.replaceChildren(...mine.map((channel) => channelRow(channel)));
  return created;
}

async function myChannels(): Promise<MyChannel[]> {
  const { events } = await api<{
    events: { name: string; teams: { name: string; channels: { id: string; name: string }[] }[] }[];
  }>('/api/me/channels');
  return events.flatMap((event) =>
    event.teams.flatMap((team) =>
      team.channels.map((channel) => ({ ...channel, team: `${event.name} / ${team.name}` })),
    ),
  );
}

function channelRow(channel: MyChannel): HTMLElement {
  const row = document.createElement('div');
  row.className = 'channel';
  row.dataset.channelId = channel.id;
  const join = document.createElement('button');
  join.type = 'button';
  join.textContent = 'Join';
  join.addEventListener('click', () => {
    void (async () => {
      if (client === undefined) return;
      if (client.channel(channel.id) === undefined) {
        await client.join(channel.id);
        join.textContent = 'Leave';
      } else {
        await client.leave(channel.id);
        join.textContent = 'Join';
      }
    })().catch((error: unknown) => log(`join failed: ${String(error)}`));
  });
  const ptt = document.createElement('button');
  ptt.type = 'button';
  ptt.className = 'ptt';
  ptt.textContent = 'Hold to talk';
  ptt.setAttribute('aria-pressed', 'false');
  const down = (event: PointerEvent): void => {
    ptt.setPointerCapture(event.pointerId);
    ptt.setAttribute('aria-pressed', 'true');
    void client?.press(channel.id);
  };
  const up = (): void => {
    ptt.setAttribute('aria-pressed', 'false');
    void client?.release(channel.id);
  };
  ptt.addEventListener('pointerdown', down);
  ptt.addEventListener('pointerup', up);
  ptt.addEventListener('pointercancel', up);
  const floor = document.createElement('span');
  floor.className = 'floor';
  floor.textContent = 'idle';
  const label = document.createElement('strong');
  label.textContent = channel.name;
  const team = document.createElement('small');
  team.textContent = channel.team;
  row.append(label, team, join, ptt, floor);
  return row;
}

function renderChannel(view: ChannelView): void {
  const row = channelsEl.querySelector<HTMLElement>(`[data-channel-id="${view.channelId}"]`);
  const floor = row?.querySelector<HTMLElement>('.floor');
  if (floor === undefined || floor === null) return;
  floor.textContent = view.transmitting
    ? 'you are transmitting'
    : view.floor.state === 'taken'
      ? `${view.floor.holder.displayName} is speaking`
      : 'idle';
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const field = (name: string): string => (form.elements.namedItem(name) as HTMLInputElement).value;
  signIn(field('email'), field('password')).catch((error: unknown) =>
    log(`sign-in failed: ${error instanceof Error ? error.message : String(error)}`),
  );
});

micButton.addEventListener('click', () => {
  client?.resumeAudio();
  client
    ?.enableMicrophone()
    .then(() => {
      micButton.disabled = true;
      micButton.textContent = 'Microphone ready';
    })
    .catch((error: unknown) => log(error instanceof Error ? error.message : String(error)));
});

/** Entry points for automated tests driving this page in a real browser. */
const lab = {
  signIn,
  useToken: async (token: string, options: ConnectOptions = {}) => {
    accessToken = token;
    await connect(options);
  },
  client: () => client,
  enableMicrophone: () => client?.enableMicrophone(),
  join: async (channelId: string) => client?.join(channelId),
  leave: async (channelId: string) => client?.leave(channelId),
  press: async (channelId: string) => client?.press(channelId),
  release: async (channelId: string) => client?.release(channelId),
  measure: async (channelId: string, durationMs: number) => {
    const track = client?.channelTrack(channelId);
    if (track === undefined) throw new Error(`No track for channel ${channelId}`);
    return measureTrack(track, durationMs);
  },
  level: (channelId: string) => {
    const track = client?.channelTrack(channelId);
    return track === undefined ? 0 : levelNow(track);
  },
  transmitLog: () => transmitLog,
  sendRaw: (text: string) => client?.signalling?.sendRaw(text),
  request: (method: string, params: unknown) =>
    (client?.signalling?.request as ((m: string, p: unknown) => Promise<unknown>) | undefined)?.(
      method,
      params,
    ),
};
export type LabApi = typeof lab;
declare global {
  interface Window {
    lab: typeof lab;
  }
}
window.lab = lab;
