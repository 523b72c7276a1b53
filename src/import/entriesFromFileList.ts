import type { ImportEntry } from './importFiles.ts';

/** Files from an <input type="file">: a folder picker (webkitdirectory) gives each file's path below the picked folder's parent; single files only their name. */
export function entriesFromFileList(files: ArrayLike<File>): ImportEntry[] {
  return Array.from(files, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}
