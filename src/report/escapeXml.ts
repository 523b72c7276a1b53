const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Whether XML 1.0 allows a UTF-16 code unit at position i: not the C0 controls other
 * than tab and line breaks, not U+FFFE/U+FFFF, not half a surrogate pair.
 */
function xmlAllows(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x20) return c === 0x09 || c === 0x0a || c === 0x0d;
  if (c === 0xfffe || c === 0xffff) return false;
  if (c >= 0xd800 && c <= 0xdbff) return i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff;
  if (c >= 0xdc00 && c <= 0xdfff) return i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff;
  return true;
}

/**
 * Text made safe inside XML/HTML content and attribute values: class and run names are
 * user input. Characters XML cannot hold at all become U+FFFD, since one of them would
 * make a whole SVG fail to parse when the page rasterizes it.
 */
export function escapeXml(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    out += ENTITIES[ch] ?? (xmlAllows(text, i) ? ch : '\uFFFD');
  }
  return out;
}
