/** An error's message, or the thrown value in words when it is not an Error. */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
