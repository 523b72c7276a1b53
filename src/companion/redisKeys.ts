/** Where the companion keeps its state in Redis, under one prefix so several studios can share a server. */
export interface RedisKeys {
  /** Sorted set of job ids by creation time. */
  jobs: string;
  /** The studio's record of one job (JSON). */
  job(id: string): string;
  /** A job's append-only event log (stream). */
  events(id: string): string;
  /** The last seq appended to a job's event log: what makes an append that is sent twice land once. */
  eventSeq(id: string): string;
  /** Set while a job should stop. */
  cancel(id: string): string;
  /** Pub/sub channel: status changes, events and stop requests. */
  updates: string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    jobs: `${prefix}:jobs`,
    job: (id) => `${prefix}:job:${id}`,
    events: (id) => `${prefix}:events:${id}`,
    eventSeq: (id) => `${prefix}:events-seq:${id}`,
    cancel: (id) => `${prefix}:cancel:${id}`,
    updates: `${prefix}:updates`,
  };
}
