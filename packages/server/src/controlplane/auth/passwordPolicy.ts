import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { ControlPlaneError } from '../errors';

/** Shortest password accepted (the API's schema enforces the same). */
export const MIN_PASSWORD_LENGTH = 8;
/**
 * Lowest zxcvbn score accepted: 3 means "safely unguessable" (about 10^8 guesses or more) — common
 * passwords, keyboard walks, dictionary words with a digit, and passwords made of the person's own name or
 * e-mail are refused.
 */
export const MIN_PASSWORD_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

function strength(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    translations: english.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...english.dictionary },
  });
  return estimator;
}

/**
 * Throws a bad_request error whose sentence says why the password is too weak (and how to do better), or
 * returns when it is acceptable. `context` holds words the password must not be built from (e-mail, name).
 */
export function assertStrongPassword(password: string, context: readonly string[] = []): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ControlPlaneError(
      'bad_request',
      `The password is too short: use at least ${MIN_PASSWORD_LENGTH} characters.`,
    );
  }
  const words = context
    .flatMap((value) => value.toLowerCase().split(/[^a-z0-9]+/))
    .filter((w) => w.length > 2);
  const result = strength().check(password.slice(0, 256), words);
  if (result.score >= MIN_PASSWORD_SCORE) return;
  const reason = result.feedback.warning ?? 'It would be easy to guess.';
  const hint = result.feedback.suggestions[0] ?? 'Use a few unrelated words or a longer passphrase.';
  throw new ControlPlaneError('bad_request', `The password is too weak. ${reason} ${hint}`.trim());
}
