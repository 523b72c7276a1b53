/**
 * A URL fit for a log line: its password (and a username standing alone, which Redis
 * also takes as a password) replaced by ***. What is not a URL is masked whole.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return '***';
  }
  if (url.password !== '') url.password = '***';
  else if (url.username !== '') url.username = '***';
  return url.toString().replace(/\/$/, '');
}
