/**
 * Client-side checks for the obvious mistakes, mirroring the API's limits (packages/server/src/http/api/
 * schemas.ts). The server stays the authority: anything it refuses is shown as it says it.
 * Each check returns a sentence to show, or null when the value is acceptable.
 */

export const NAME_MAX = 200;
export const DISPLAY_NAME_MAX = 100;
export const DESCRIPTION_MAX = 2000;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;
export const EMAIL_MAX = 320;

function isBlank(value: string): boolean {
  return value.trim() === '';
}

export function checkName(label: string, value: string, max = NAME_MAX): string | null {
  if (isBlank(value)) return `${label} is required.`;
  if (value.trim().length > max) return `${label} can be at most ${max} characters.`;
  return null;
}

export function checkDescription(value: string): string | null {
  return value.length > DESCRIPTION_MAX ? `Description can be at most ${DESCRIPTION_MAX} characters.` : null;
}

/** Something@something.something, no spaces: the shape every address has, nothing stricter. */
export function checkEmail(value: string): string | null {
  const email = value.trim();
  if (email === '') return 'E-mail address is required.';
  if (email.length > EMAIL_MAX) return `E-mail address can be at most ${EMAIL_MAX} characters.`;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    return 'Enter a valid e-mail address, like name@example.org.';
  return null;
}

export function checkPassword(value: string): string | null {
  if (value.length < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters.`;
  if (value.length > PASSWORD_MAX) return `Password can be at most ${PASSWORD_MAX} characters.`;
  return null;
}

/** The first problem of several checks, or null. */
export function firstProblem(...problems: (string | null)[]): string | null {
  return problems.find((problem) => problem !== null) ?? null;
}

/** The sentence to show for anything thrown by an API call. */
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message;
  if (typeof error === 'string' && error !== '') return error;
  return 'Something went wrong. Please try again.';
}
