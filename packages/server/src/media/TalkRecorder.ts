/**
 * The media path's only link to transmission recording: when a talk gate opens, the tap asks the recorder for
 * a recording of that transmission, hands it every RTP packet it forwards into the channel stream, and ends it
 * when the gate closes. Implemented by recordings/TransmissionRecorder; media knows nothing else about it.
 */
export interface TalkRecorder {
  /** A recording of one transmission, or undefined when it is not recorded (event off, disk full). */
  begin(talk: TalkStart): TalkRecording | undefined;
}

export interface TalkStart {
  channelId: string;
  grantId: string;
  /** The grant's fencing number. */
  grantNumber: number | null;
  talkerId: string;
  talkerName: string;
  /** An emergency's open microphone. */
  emergency?: boolean;
}

export interface TalkRecording {
  /** One RTP packet exactly as it was forwarded to the channel's listeners. */
  packet(rtp: Buffer): void;
  /** The transmission ended (idempotent). */
  end(): void;
}
