/** SHA-256 of `bytes` as 64 lowercase hex digits: the content address of stored images. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // slice(): digest takes only views onto a plain ArrayBuffer, and callers hand in views onto anything.
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice());
  let hex = '';
  for (const b of new Uint8Array(digest)) hex += b.toString(16).padStart(2, '0');
  return hex;
}
