import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueUnavailableError, type JobQueue, type JobRecord, type JobUpdate, type LoggedEvent, type QueueDepth } from './jobQueue.ts';
import { redisKeys, type RedisKeys } from './redisKeys.ts';

export const BULL_QUEUE = 'studio-train';

/**
 * The gateway's side of BullMQ on Redis: jobs are BullMQ jobs (id = the studio's job id,
 * so BullMQ itself never holds one twice) taken by any number of worker processes. The
 * studio's view of a job (status, attempts, worker, summary) is a JSON record in Redis
 * that workers update; events are a Redis stream per job (the append-only log) plus a
 * pub/sub channel for the live push, so any gateway can serve any job.
 */
export class RedisQueue implements JobQueue {
  readonly kind = 'redis';
  private readonly queue: Queue;
  private readonly redis: Redis;
  private readonly sub: Redis;
  private readonly keys: RedisKeys;
  private readonly listeners = new Set<(update: JobUpdate) => void>();
  /** The latest connection problem, for logs. */
  lastError?: string;

  /** How long a request waits on Redis before it is answered 503 (ms). */
  readonly timeoutMs: number;

  constructor(url: string, prefix = 'studio', options: { timeoutMs?: number } = {}) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.keys = redisKeys(prefix);
    this.redis = new Redis(url, { maxRetriesPerRequest: null });
    this.sub = new Redis(url, { maxRetriesPerRequest: null });
    // ioredis reconnects by itself; an outage shows as failing requests, not as a crash.
    for (const client of [this.redis, this.sub]) client.on('error', (err: Error) => (this.lastError = err.message));
    this.queue = new Queue(BULL_QUEUE, { connection: { url, maxRetriesPerRequest: null }, prefix: `${prefix}:bull` });
    this.queue.on('error', (err: Error) => (this.lastError = err.message));
    this.sub.on('message', (_channel: string, text: string) => {
      const update = JSON.parse(text) as JobUpdate | { type: 'cancel' };
      if (update.type === 'cancel') return;
      for (const l of this.listeners) l(update);
    });
  }

  async open(): Promise<void> {
    await this.sub.subscribe(this.keys.updates);
    await this.queue.waitUntilReady();
  }

  /** `work`, or QueueUnavailableError once Redis has kept it waiting timeoutMs. */
  private timed<T>(what: string, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new QueueUnavailableError(`Redis did not answer within ${this.timeoutMs / 1000} s (${what}${this.lastError ? `; last error: ${this.lastError}` : ''}); retry once it is back`)),
        this.timeoutMs,
      );
    });
    work.catch(() => undefined);
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  subscribe(listener: (update: JobUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(id: string, spec: unknown, extra: Pick<JobRecord, 'sweep'> = {}): Promise<{ job: JobRecord; created: boolean }> {
    return this.timed('add', this.addNow(id, spec, extra));
  }

  private async addNow(id: string, spec: unknown, extra: Pick<JobRecord, 'sweep'> = {}): Promise<{ job: JobRecord; created: boolean }> {
    const job: JobRecord = { id, spec, status: 'queued', createdAt: Date.now(), attempts: 0, ...extra };
    // SET NX claims the id atomically: of two gateways (or two retries) only one queues it.
    const claimed = await this.redis.set(this.keys.job(id), JSON.stringify(job), 'NX');
    if (claimed !== 'OK') return { job: (await this.get(id)) ?? job, created: false };
    await this.redis.zadd(this.keys.jobs, job.createdAt, id);
    await this.queue.add('train', { id }, { jobId: id, removeOnComplete: 1000, removeOnFail: 1000 });
    await this.redis.publish(this.keys.updates, JSON.stringify({ type: 'status', job }));
    return { job, created: true };
  }

  get(id: string): Promise<JobRecord | undefined> {
    return this.timed('get', this.getNow(id));
  }

  private async getNow(id: string): Promise<JobRecord | undefined> {
    const text = await this.redis.get(this.keys.job(id));
    return text ? (JSON.parse(text) as JobRecord) : undefined;
  }

  list(): Promise<JobRecord[]> {
    return this.timed('list', this.listNow());
  }

  private async listNow(): Promise<JobRecord[]> {
    const ids = await this.redis.zrange(this.keys.jobs, 0, -1);
    if (ids.length === 0) return [];
    const texts = await this.redis.mget(ids.map((id) => this.keys.job(id)));
    return texts.flatMap((t) => (t ? [JSON.parse(t) as JobRecord] : []));
  }

  cancel(id: string): Promise<JobRecord | undefined> {
    return this.timed('cancel', this.cancelNow(id));
  }

  private async cancelNow(id: string): Promise<JobRecord | undefined> {
    const job = await this.get(id);
    if (!job) return undefined;
    if (job.status !== 'queued' && job.status !== 'active') return job;
    // A waiting job is taken off the queue; one a worker holds is told to stop at its next batch.
    const bull = await this.queue.getJob(id);
    const state = bull ? await bull.getState() : 'unknown';
    if (bull && (state === 'waiting' || state === 'delayed' || state === 'prioritized')) {
      try {
        await bull.remove();
        const cancelled: JobRecord = { ...job, status: 'cancelled', message: 'cancelled before it started', endedAt: Date.now() };
        await this.redis.set(this.keys.job(id), JSON.stringify(cancelled));
        await this.redis.publish(this.keys.updates, JSON.stringify({ type: 'status', job: cancelled }));
        return cancelled;
      } catch {
        // A worker locked it meanwhile: fall through to the stop request.
      }
    }
    await this.redis.set(this.keys.cancel(id), '1', 'EX', 7 * 24 * 3600);
    await this.redis.publish(this.keys.updates, JSON.stringify({ type: 'cancel', jobId: id }));
    return job;
  }

  events(id: string, after: number): Promise<LoggedEvent[]> {
    return this.timed('events', this.eventsNow(id, after));
  }

  private async eventsNow(id: string, after: number): Promise<LoggedEvent[]> {
    const entries = (await this.redis.xrange(this.keys.events(id), '-', '+')) as [string, string[]][];
    return entries.map(([, fields]) => JSON.parse(fields[1]) as LoggedEvent).filter((e) => e.seq > after);
  }

  depth(): Promise<QueueDepth> {
    return this.timed('depth', this.depthNow());
  }

  private async depthNow(): Promise<QueueDepth> {
    const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
    return {
      queued: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
      active: counts.active ?? 0,
      workers: (await this.queue.getWorkers()).length,
    };
  }

  async close(): Promise<void> {
    // With Redis gone BullMQ's close waits for it forever; a shutdown does not.
    await this.timed('close', this.queue.close()).catch(() => undefined);
    this.sub.disconnect();
    this.redis.disconnect();
  }
}
