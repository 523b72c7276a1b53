import type { ImportEntry } from './importFiles.ts';

const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

/** Every entry of a dropped folder: readEntries returns them in batches (about 100 in Chrome) until an empty one. */
async function readAll(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function walk(entry: FileSystemEntry, out: ImportEntry[]): Promise<void> {
  if (entry.isFile) {
    // fullPath is "/pets/cat/01.jpg": the dropped folder's name and below.
    out.push({ path: entry.fullPath.replace(/^\/+/, ''), file: await fileOf(entry as FileSystemFileEntry) });
  } else if (entry.isDirectory) {
    for (const child of await readAll(entry as FileSystemDirectoryEntry)) await walk(child, out);
  }
}

/**
 * Files and folders dropped on the page, folders walked recursively. Call it in the drop
 * handler before any await of its own: the browser empties the items once the handler
 * returns, so this takes their entries before its first await.
 */
export async function entriesFromDataTransfer(items: DataTransferItemList): Promise<ImportEntry[]> {
  const roots: (FileSystemEntry | File)[] = [];
  for (const item of Array.from(items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    const file = entry ? null : item.getAsFile();
    if (entry) roots.push(entry);
    else if (file) roots.push(file);
  }
  const out: ImportEntry[] = [];
  for (const root of roots) {
    if (root instanceof File) out.push({ path: root.name, file: root });
    else await walk(root, out);
  }
  return out;
}
