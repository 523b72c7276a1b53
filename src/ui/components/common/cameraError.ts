/** Says what went wrong with the camera in words a person can act on. */
export function cameraError(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Camera permission was denied. Allow the camera for this site (the icon in the address bar), then start it again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found. Connect one, or import images instead.';
  if (name === 'NotReadableError' || name === 'AbortError') return 'The camera is busy or failed to start (another application may be using it).';
  return `The camera could not start: ${e instanceof Error ? e.message : String(e)}`;
}
