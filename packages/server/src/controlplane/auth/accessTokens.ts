import { SignJWT, errors, jwtVerify } from 'jose';
import type { Role } from '../types';

/** The claims carried by an access token. */
export interface AccessClaims {
  sub: string;
  name: string;
  role: Role;
  /** Issued-at, seconds since the epoch. */
  iat: number;
}

const ISSUER = 'squelch';
const AUDIENCE = 'squelch-api';
const roles: readonly string[] = ['admin', 'dispatch', 'general'];

/** Issues and checks short-lived HS256 JWT access tokens. */
export class AccessTokens {
  readonly #key: Uint8Array;
  readonly #ttlSec: number;

  constructor(secret: string, ttlSec: number) {
    this.#key = new TextEncoder().encode(secret);
    if (this.#key.byteLength < 32) throw new Error('The JWT secret must be at least 32 bytes long');
    if (!Number.isInteger(ttlSec) || ttlSec <= 0)
      throw new Error('The access token TTL must be a positive integer');
    this.#ttlSec = ttlSec;
  }

  get ttlSec(): number {
    return this.#ttlSec;
  }

  async issue(claims: Omit<AccessClaims, 'iat'>): Promise<string> {
    return new SignJWT({ name: claims.name, role: claims.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.#ttlSec}s`)
      .sign(this.#key);
  }

  /** The claims of a valid, unexpired token; null for anything else. */
  async verify(token: string): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'iat', 'exp'],
      });
      const { sub, name, role, iat } = payload;
      if (typeof sub !== 'string' || typeof name !== 'string' || typeof iat !== 'number') return null;
      if (typeof role !== 'string' || !roles.includes(role)) return null;
      return { sub, name, role: role as Role, iat };
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  }
}
