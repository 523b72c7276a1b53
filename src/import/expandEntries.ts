import { unzipSync } from 'fflate';
import type { BadFile, ImportEntry } from './importFiles.ts';

/** One file to import, after zip archives have been opened. */
export interface ImportFile {
  /** POSIX path; a zip's members sit under the zip's name without ".zip" ("faces.zip" + "a/1.png" -> "faces/a/1.png"). */
  path: string;
  size: number;
  /** The file's bytes; call it once (a zip member hands its bytes over to free the archive's memory as the import goes). */
  read(): Promise<Uint8Array>;
}

/** Files an OS or archiver leaves behind; reporting them as bad would only be noise. */
const isSystemName = (segment: string) => segment.startsWith('.') || segment === '__MACOSX' || /^(thumbs\.db|desktop\.ini)$/i.test(segment);

/** Forward slashes, no empty, "." or ".." segments: pickers, drops and zips disagree on all three. */
export function normalizePath(path: string): string {
  return path
    .split(/[\\/]+/)
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .join('/');
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Opens zip archives and drops system files (dotfiles, __MACOSX/, Thumbs.db), giving the
 * flat list of files an import examines, sorted by path so the outcome (which of two equal
 * files counts as the duplicate, say) does not depend on the order things were dropped.
 * Archives are unpacked whole in memory with fflate's unzipSync: simple, and fine for the
 * classroom-sized sets the studio takes (a few hundred MB at most). A zip that cannot be
 * read is one bad file; its neighbours still import.
 */
export async function expandEntries(entries: ImportEntry[], signal?: AbortSignal): Promise<{ files: ImportFile[]; bad: BadFile[] }> {
  const files: ImportFile[] = [];
  const bad: BadFile[] = [];
  for (const entry of entries) {
    if (signal?.aborted) break;
    const path = normalizePath(entry.path);
    if (path === '') {
      bad.push({ path: entry.path, reason: 'the file has no name' });
      continue;
    }
    if (path.split('/').some(isSystemName)) continue;
    if (!/\.zip$/i.test(path)) {
      files.push({ path, size: entry.file.size, read: async () => new Uint8Array(await entry.file.arrayBuffer()) });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await entry.file.arrayBuffer());
    } catch (e) {
      bad.push({ path, reason: `cannot read the file (${messageOf(e)})` });
      continue;
    }
    if (bytes.length === 0) {
      bad.push({ path, reason: 'empty file' });
      continue;
    }
    let members: Record<string, Uint8Array>;
    try {
      members = unzipSync(bytes, { filter: (m) => !m.name.endsWith('/') && !normalizePath(m.name).split('/').some(isSystemName) });
    } catch (e) {
      bad.push({ path, reason: `corrupt or unsupported zip archive (${messageOf(e)})` });
      continue;
    }
    const names = Object.keys(members).filter((name) => normalizePath(name) !== '');
    if (names.length === 0) {
      bad.push({ path, reason: 'the zip archive holds no files' });
      continue;
    }
    const root = path.slice(0, -'.zip'.length);
    for (const name of names) {
      let data: Uint8Array | undefined = members[name];
      const size = data.length;
      files.push({
        path: `${root}/${normalizePath(name)}`,
        size,
        read: async () => {
          if (!data) throw new Error(`${path}: member ${name} was already read`);
          const out = data;
          data = undefined;
          return out;
        },
      });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, bad };
}
