export { PttClient } from './PttClient';
export type { ChannelView, ConnectionState, PttClientEvents, PttClientOptions, TransmitEvent } from './PttClient';
export { SignallingClient, RequestError } from './SignallingClient';
export { ExponentialBackoff } from './ReconnectPolicy';
export type { ReconnectPolicy, ReconnectContext, BackoffOptions } from './ReconnectPolicy';
export { MediaLink } from './MediaLink';
export { openMicrophone, microphonePermission, MicrophoneError, classifyMicrophoneError } from './microphone';
export type { MicrophoneOptions, MicrophoneProblem } from './microphone';
export { Emitter } from './Emitter';
