import { createContext, useContext } from 'react';

/** One recorded transmission, as `GET /api/channels/:id/transmissions` lists it. */
export interface Transmission {
  id: string;
  channelId: string;
  talkerId: string | null;
  talkerName: string;
  startedAt: string;
  durationMs: number;
  emergency: boolean;
}

/** What the history components need from the signed-in session. */
export interface HistoryApi {
  userId: string;
  api: (path: string, init?: RequestInit) => Promise<unknown>;
  getToken: () => Promise<string>;
  storage: Storage;
}

export const HistoryContext = createContext<HistoryApi | null>(null);

export function useHistoryApi(): HistoryApi | null {
  return useContext(HistoryContext);
}

/** A channel's transmissions, newest first; `after` keeps only those started later. */
export async function listTransmissions(
  history: HistoryApi,
  channelId: string,
  options: { limit: number; after?: Date },
): Promise<Transmission[]> {
  const query = new URLSearchParams({ limit: String(options.limit) });
  if (options.after !== undefined) query.set('after', options.after.toISOString());
  const answer = (await history.api(`/api/channels/${channelId}/transmissions?${query.toString()}`)) as {
    transmissions: Transmission[];
  };
  return answer.transmissions;
}

/** The recording as a Blob (fetched with the bearer token: an audio element cannot send it). */
export async function fetchRecording(history: HistoryApi, transmissionId: string): Promise<Blob> {
  const response = await fetch(`/api/transmissions/${transmissionId}/audio`, {
    headers: { authorization: `Bearer ${await history.getToken()}` },
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(`The recording could not be loaded (${response.status}).`);
  return response.blob();
}
