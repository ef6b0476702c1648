import { useAuth } from './auth/useAuth';
import { OfflineScreen } from './pwa/OfflineScreen';
import { SignInScreen } from './shell/SignInScreen';
import { Workspace } from './shell/Workspace';

/** Signed in or not: the sign-in form, or the user's workspace (one per user; a new user gets a new one). */
export function App() {
  const { session, state } = useAuth();
  if (state.status === 'loading') {
    return (
      <main className="splash" aria-busy="true">
        <span className="topbar__logo" aria-hidden="true" />
        <p>Squelch is starting…</p>
      </main>
    );
  }
  if (state.status === 'offline') return <OfflineScreen />;
  if (state.status === 'signedOut') return <SignInScreen session={session} message={state.message} />;
  return <Workspace key={state.user.id} session={session} user={state.user} />;
}
