import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * The installed @vladmandic/face-api package (FACE_API_DIR overrides it, for a copy unpacked
 * elsewhere). Without it the face-api tests fail saying so rather than skipping: computing
 * face-api's function is what they are for.
 */
export function faceApiPackageDir(): string {
  if (process.env.FACE_API_DIR) return process.env.FACE_API_DIR;
  try {
    return dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'));
  } catch {
    throw new Error('@vladmandic/face-api is not installed (npm ci installs it); FACE_API_DIR may point at an unpacked copy of the package');
  }
}
