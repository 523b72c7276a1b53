/** Raised when IndexedDB refuses a write for lack of space; nothing of that write remains. */
export class StorageFullError extends Error {
  constructor(
    message: string,
    readonly needed?: number,
    readonly available?: number,
  ) {
    super(message);
    this.name = 'StorageFullError';
  }
}
