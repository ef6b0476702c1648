export { PttClient } from './PttClient';
export { EmergencyCalls } from './emergency';
export type { EmergencyCallsEvents } from './emergency';
export type {
  ChannelView,
  ConnectionState,
  PttClientEvents,
  PttClientOptions,
  TransmitEvent,
} from './PttClient';
export { SignallingClient, RequestError } from './SignallingClient';
export { ExponentialBackoff } from './ReconnectPolicy';
export type { ReconnectPolicy, ReconnectContext, BackoffOptions } from './ReconnectPolicy';
export { MediaLink } from './MediaLink';
export { watchNetwork, socketAnswers } from './network';
export { openMicrophone, microphonePermission, MicrophoneError, classifyMicrophoneError } from './microphone';
export type { MicrophoneOptions, MicrophoneProblem } from './microphone';
export { Emitter } from './Emitter';
export { outputSelectable, routeOutput } from './audioOutput';
export { rateLinkQuality, linkMetrics, worstOf, DEFAULT_QUALITY_THRESHOLDS } from './quality';
export type {
  LinkQuality,
  LinkMetrics,
  QualityThresholds,
  QualityLimits,
  PacketCounters,
  StatsEntry,
} from './quality';
export { QualityMonitor } from './qualityMonitor';
export type { QualitySample, QualityMonitorOptions, QualityMonitorEvents } from './qualityMonitor';
export { TonePlayer, TONE_NAMES } from './tones';
export type { ToneName, TonePlayerOptions, TonePlayerEvents } from './tones';
export { MicLevelMeter, rms, scaleLevel } from './micLevel';
export {
  DEFAULT_SETTINGS,
  MAX_JITTER_BUFFER_TARGET_MS,
  loadSettings,
  saveSettings,
  normalizeSettings,
  settingsKey,
} from './settings';
export type { PttSettings, PttMode, LayoutPreference } from './settings';
