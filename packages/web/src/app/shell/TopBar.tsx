import type { ConnectionState, QualitySample } from '@squelch/client';
import type { SessionUser } from '../auth/AuthSession';
import type { MicrophoneState } from '../radio/RadioState';
import { ConnectionStatus } from './ConnectionStatus';

export interface TopBarProps {
  user: SessionUser;
  connection: ConnectionState;
  quality: QualitySample;
  microphone: MicrophoneState;
  path: string;
  onNavigate: (path: string) => void;
  onSettings: () => void;
  onSignOut: () => void;
}

const MIC_TEXT = { off: 'Mic off', opening: 'Mic…', ready: 'Mic ready', error: 'Mic problem' } as const;

/** Brand, status (connection, quality, microphone), navigation and the user's menu; always visible. */
export function TopBar(props: TopBarProps) {
  const { user, path, onNavigate } = props;
  const manages = user.role === 'admin' || user.role === 'dispatch';
  const link = (to: string, label: string) => (
    <a
      href={to}
      className="topbar__link"
      aria-current={path === to ? 'page' : undefined}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        onNavigate(to);
      }}
    >
      {label}
    </a>
  );
  return (
    <header className="topbar">
      <div className="topbar__brand" aria-label="Squelch">
        <span className="topbar__logo" aria-hidden="true" />
        <span className="topbar__name">Squelch</span>
      </div>
      <div className="topbar__status">
        <ConnectionStatus connection={props.connection} quality={props.quality} />
        <span className="mic-chip" data-status={props.microphone.status}>
          <span className="mic-chip__icon" aria-hidden="true" />
          <span className="mic-chip__text">
            {props.microphone.problem === 'denied' ? 'Mic blocked' : MIC_TEXT[props.microphone.status]}
          </span>
        </span>
      </div>
      {manages && (
        <nav className="topbar__nav" aria-label="Main">
          {link('/', 'Radio')}
          {link('/admin', 'Management')}
        </nav>
      )}
      <div className="topbar__user">
        <button type="button" className="icon-button" onClick={props.onSettings} aria-label="Settings">
          <span className="icon icon--gear" aria-hidden="true" />
        </button>
        <span className="topbar__who" title={user.email}>
          {user.displayName}
        </span>
        <button type="button" className="button button--ghost" onClick={props.onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
