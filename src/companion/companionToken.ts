import { randomBytes } from 'node:crypto';

/** Shorter tokens are guessable over a network; 32 characters is what a password manager or `openssl rand -hex 16` gives. */
export const MIN_TOKEN_LENGTH = 32;

/**
 * The access token a companion starts with: the one given (flag, else environment), or
 * a fresh random one when none or an empty one is given — an empty token must never
 * mean "no authentication". A given token shorter than MIN_TOKEN_LENGTH is refused.
 */
export function companionToken(flag: string | undefined, env: string | undefined): { token: string; generated: boolean } {
  const given = flag !== undefined && flag !== '' ? flag : env !== undefined && env !== '' ? env : undefined;
  if (given === undefined) return { token: randomBytes(24).toString('hex'), generated: true };
  const from = flag !== undefined && flag !== '' ? '--token' : 'STUDIO_COMPANION_TOKEN';
  if (given.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `${from} is ${given.length} characters; a companion token needs at least ${MIN_TOKEN_LENGTH} (for example: openssl rand -hex 24), or leave it out and the companion prints a fresh one`,
    );
  }
  if (/\s/.test(given)) throw new Error(`${from} must not contain spaces or line breaks`);
  return { token: given, generated: false };
}
