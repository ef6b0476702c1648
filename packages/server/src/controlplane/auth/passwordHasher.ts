import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** Argon2id cost parameters. Production keeps the defaults; tests pass cheap ones. */
export interface PasswordHashingOptions {
  /** Memory per hash in KiB. */
  memoryCostKiB: number;
  /** Number of passes. */
  timeCost: number;
  parallelism: number;
}

/** The OWASP baseline for argon2id: 19 MiB, 2 passes, 1 lane. */
export const defaultPasswordHashing: PasswordHashingOptions = {
  memoryCostKiB: 19_456,
  timeCost: 2,
  parallelism: 1,
};

// `Algorithm` is a const enum, which isolated modules cannot read; 2 is its Argon2id member.
const ARGON2ID = 2 as Algorithm;

/** Hashes and checks passwords with argon2id. Never logs or keeps a password. */
export class PasswordHasher {
  readonly #options: PasswordHashingOptions;
  #dummyHash: Promise<string> | undefined;

  constructor(options: PasswordHashingOptions = defaultPasswordHashing) {
    this.#options = options;
  }

  hash(password: string): Promise<string> {
    return hash(password, {
      algorithm: ARGON2ID,
      memoryCost: this.#options.memoryCostKiB,
      timeCost: this.#options.timeCost,
      parallelism: this.#options.parallelism,
    });
  }

  /**
   * True when the password matches; false for a wrong password or an unreadable hash. An account without a
   * password (imported, signs in with codes) is checked against the dummy hash, so its answer takes as long as
   * any other wrong password and does not tell that the account has none.
   */
  async verify(passwordHash: string, password: string): Promise<boolean> {
    if (!passwordHash.startsWith('$argon2')) return this.verifyAgainstDummy(password);
    return this.#verify(passwordHash, password);
  }

  async #verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Prepares the dummy hash so that even the first login for an unknown address takes the usual time. */
  async warmUp(): Promise<void> {
    await this.#dummy();
  }

  /**
   * Spends the time of one verification when there is no user to check against, so a login for an unknown
   * e-mail address takes as long as one with a wrong password. Always false.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    await this.#verify(await this.#dummy(), password);
    return false;
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= this.hash('squelch-dummy-password-never-matches');
    return this.#dummyHash;
  }
}
