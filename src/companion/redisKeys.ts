/** Where the companion keeps its state in Redis, under one prefix so several studios can share a server. */
export interface RedisKeys {
  /** Sorted set of job ids by creation time. */
  jobs: string;
  /** The studio's record of one job (JSON). */
  job(id: string): string;
  /** A job's append-only event log (stream). */
  events(id: string): string;
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
    cancel: (id) => `${prefix}:cancel:${id}`,
    updates: `${prefix}:updates`,
  };
}
