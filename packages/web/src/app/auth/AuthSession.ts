import { Emitter } from '@squelch/client';
import { ApiError, readAnswer, send } from './ApiError';

export type Role = 'admin' | 'dispatch' | 'general';

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  isAdmin: boolean;
  role: Role;
}

export type AuthState =
  | { status: 'loading' }
  /** The server could not be reached at start (e.g. the app opened offline); retrying by itself. */
  | { status: 'offline' }
  | { status: 'signedOut'; message?: string }
  | { status: 'signedIn'; user: SessionUser };

interface SessionAnswer {
  accessToken: string;
  expiresIn: number;
  user: SessionUser;
}

function isSessionAnswer(value: unknown): value is SessionAnswer {
  return (
    typeof value === 'object' &&
    value !== null &&
    'accessToken' in value &&
    typeof value.accessToken === 'string' &&
    'expiresIn' in value &&
    typeof value.expiresIn === 'number' &&
    'user' in value &&
    typeof value.user === 'object'
  );
}

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

/** Retrying to reach the server at start: 1 s doubling to this ceiling (and at once when back online). */
const OFFLINE_RETRY_CEILING_MS = 15_000;

/**
 * The signed-in session of this tab: the short-lived access token in memory, the refresh token in an httpOnly
 * cookie the server set. restore() on page load turns the cookie into a session, so a reload keeps the user
 * signed in; the token is refreshed ahead of its expiry (and on demand) with one request at a time.
 */
export class AuthSession extends Emitter<{ change: [AuthState] }> {
  #state: AuthState = { status: 'loading' };
  #token: string | undefined;
  #expiresAt = 0;
  #refreshing: Promise<string> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #offlineRetry: ReturnType<typeof setTimeout> | undefined;
  #offlineDelay = 1_000;

  get state(): AuthState {
    return this.#state;
  }

  /**
   * Resumes the session from the refresh cookie, if there is one. When the server cannot be reached (the
   * installed app opened without a network), the state is 'offline' and it keeps trying by itself: slower
   * and slower up to a ceiling, and at once when the browser reports the network back.
   */
  async restore(): Promise<void> {
    clearTimeout(this.#offlineRetry);
    window.removeEventListener('online', this.#retryNow);
    try {
      await this.#refresh();
      this.#offlineDelay = 1_000;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'network') {
        if (this.#state.status !== 'offline') this.#set({ status: 'offline' });
        window.addEventListener('online', this.#retryNow);
        this.#offlineRetry = setTimeout(this.#retryNow, this.#offlineDelay);
        this.#offlineDelay = Math.min(this.#offlineDelay * 2, OFFLINE_RETRY_CEILING_MS);
        return;
      }
      this.#signedOut();
    }
  }

  #retryNow = (): void => {
    void this.restore();
  };

  async signIn(email: string, password: string): Promise<void> {
    const response = await send('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
      credentials: 'same-origin',
    });
    this.#accept(await readAnswer(response));
  }

  /**
   * Signs in with a single-use code from a sign-in link. A refused code (used, expired, withdrawn) leaves the
   * tab signed out with the server's sentence, shown on the sign-in screen.
   */
  async signInWithCode(code: string): Promise<void> {
    try {
      const response = await send('/api/auth/code', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
        credentials: 'same-origin',
      });
      this.#accept(await readAnswer(response));
    } catch (error) {
      this.#signedOut(error instanceof Error ? error.message : 'The sign-in link did not work.');
    }
  }

  async signOut(): Promise<void> {
    try {
      await send('/api/auth/logout', { method: 'POST', credentials: 'same-origin' });
    } catch {
      // Signing out locally still works; the refresh token expires on its own.
    }
    this.#signedOut('You are signed out.');
  }

  /**
   * Changes the signed-in person's password. The server ends every other session and answers a fresh one for
   * this tab, which replaces the current token. Throws ApiError (wrong current password, weak new one).
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const answer = await this.api('/api/me/password', {
      method: 'POST',
      body: JSON.stringify({ currentPassword, newPassword }),
    });
    this.#accept(answer);
  }

  /** A valid access token, refreshed first when it is about to expire. */
  async getToken(): Promise<string> {
    if (this.#token !== undefined && Date.now() < this.#expiresAt - REFRESH_MARGIN_MS) return this.#token;
    return this.#refresh();
  }

  /** Calls the REST API with the bearer token; a 401 triggers one refresh and retry. */
  api = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    const attempt = async (token: string) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      if (init.body !== undefined && !headers.has('content-type'))
        headers.set('content-type', 'application/json');
      return send(path, { ...init, headers, credentials: 'same-origin' });
    };
    let response = await attempt(await this.getToken());
    if (response.status === 401) response = await attempt(await this.#refresh());
    return readAnswer(response);
  };

  #refresh(): Promise<string> {
    this.#refreshing ??= (async () => {
      try {
        const response = await send('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' });
        if (response.status === 401) {
          const error = await readAnswer(response).catch((e: unknown) => e);
          this.#signedOut(
            this.#state.status === 'signedIn' ? 'Your session has ended. Sign in again.' : undefined,
          );
          throw error;
        }
        return this.#accept(await readAnswer(response));
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  #accept(answer: unknown): string {
    if (!isSessionAnswer(answer))
      throw new ApiError('bad_answer', 'The server sent an unexpected answer.', 200);
    this.#token = answer.accessToken;
    this.#expiresAt = Date.now() + answer.expiresIn * 1000;
    clearTimeout(this.#timer);
    const delay = Math.max(5_000, answer.expiresIn * 1000 - REFRESH_MARGIN_MS);
    this.#timer = setTimeout(() => void this.#refresh().catch(() => undefined), delay);
    const previous = this.#state;
    const user = answer.user;
    if (previous.status !== 'signedIn' || !sameUser(previous.user, user))
      this.#set({ status: 'signedIn', user });
    return answer.accessToken;
  }

  #signedOut(message?: string): void {
    clearTimeout(this.#timer);
    this.#token = undefined;
    this.#expiresAt = 0;
    this.#set(message === undefined ? { status: 'signedOut' } : { status: 'signedOut', message });
  }

  #set(state: AuthState): void {
    this.#state = state;
    this.emit('change', state);
  }

  close(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#offlineRetry);
    window.removeEventListener('online', this.#retryNow);
    this.removeAllListeners();
  }
}

function sameUser(a: SessionUser, b: SessionUser): boolean {
  return a.id === b.id && a.displayName === b.displayName && a.role === b.role && a.isAdmin === b.isAdmin;
}
