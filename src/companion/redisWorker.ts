import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { hostname } from 'node:os';
import type { SampleSource } from '../core/data/sampleSource.ts';
import type { RunSpec } from '../core/spec/runSpec.ts';
import { isDiskFull } from './diskState.ts';
import type { JobRecord, LoggedEvent } from './jobQueue.ts';
import { BULL_QUEUE } from './redisQueue.ts';
import { redisKeys } from './redisKeys.ts';
import type { JobWeightsLoader } from './openJobWeights.ts';
import { runJob } from './runJob.ts';
import type { TorchLaunch } from '../node/torchEngine/torchProcess.ts';

/**
 * Appends one event to a job's log and publishes it, atomically and at most once per seq. A
 * command whose reply a dropped connection lost is sent again when ioredis reconnects (a Redis
 * restart mid-job did that, and the log held a seq twice); the seq kept beside the log makes
 * the second append a no-op instead.
 */
const APPEND_EVENT = `
local last = tonumber(redis.call('GET', KEYS[2]) or '-1')
if tonumber(ARGV[1]) <= last then return 0 end
redis.call('XADD', KEYS[1], '*', 'e', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('PUBLISH', KEYS[3], ARGV[3])
return 1
`;

export interface RedisWorkerOptions {
  url: string;
  prefix?: string;
  backend: string;
  /** Train on the PyTorch engine with this launch (--engine torch --gpus ...); left out, the tfjs engine. */
  engine?: TorchLaunch;
  /** Run directory of a job; on several machines this is a shared folder, so another worker can resume. */
  runDir: (jobId: string) => string;
  openSource: (spec: RunSpec) => SampleSource;
  /** Loads a job's initial weights (openJobWeights: uploads by hash). */
  openWeights?: JobWeightsLoader;
  /** How long a job's lock lasts without renewal (ms); a killed worker's job is picked up again after it. */
  lockMs?: number;
}

/**
 * One worker process: takes one BullMQ job at a time (tfjs drives one device per
 * process, so a machine runs one worker per GPU). A job whose worker died stays locked
 * until its lock lapses; BullMQ's stalled check then puts it back and a worker picks it
 * up, and runJob continues it from the run's last checkpoint.
 */
export function startRedisWorker(o: RedisWorkerOptions): { close(): Promise<void>; id: string } {
  const keys = redisKeys(o.prefix ?? 'studio');
  const redis = new Redis(o.url, { maxRetriesPerRequest: null });
  const sub = new Redis(o.url, { maxRetriesPerRequest: null });
  const id = `${hostname()}:${process.pid} (${o.backend})`;
  // ioredis reconnects by itself; say what went wrong rather than crash the worker.
  for (const client of [redis, sub]) client.on('error', (err: Error) => console.error(`companion worker: redis: ${err.message}`));
  const running = new Map<string, AbortController>();
  void sub.subscribe(keys.updates);
  sub.on('message', (_channel: string, text: string) => {
    const message = JSON.parse(text) as { type: string; jobId?: string };
    if (message.type === 'cancel' && message.jobId) running.get(message.jobId)?.abort('cancelled by the user');
  });

  const update = async (record: JobRecord) => {
    await redis.set(keys.job(record.id), JSON.stringify(record));
    await redis.publish(keys.updates, JSON.stringify({ type: 'status', job: record }));
  };

  const lockMs = o.lockMs ?? 30_000;
  const worker = new Worker(
    BULL_QUEUE,
    async (bull) => {
      const jobId = (bull.data as { id: string }).id;
      const text = await redis.get(keys.job(jobId));
      if (!text) return { skipped: 'no record' };
      let record = JSON.parse(text) as JobRecord;
      if (record.status === 'cancelled' || (await redis.exists(keys.cancel(jobId)))) {
        if (record.status !== 'cancelled') await update({ ...record, status: 'cancelled', message: 'cancelled before it started', endedAt: Date.now() });
        return { cancelled: true };
      }
      // Listening for a stop before the job starts, so a cancel sent while its data loads is not missed.
      const controller = new AbortController();
      running.set(jobId, controller);
      record = { ...record, status: 'active', attempts: record.attempts + 1, startedAt: record.startedAt ?? Date.now(), worker: id };
      await update(record);
      if (await redis.exists(keys.cancel(jobId))) controller.abort('cancelled by the user');
      // Continue the numbering after the last entry stored: an entry is published only in the
      // same MULTI that stores it, so nobody saw a seq the stream does not hold.
      const [last] = (await redis.xrevrange(keys.events(jobId), '+', '-', 'COUNT', 1)) as [string, string[]][];
      let seq = last ? (JSON.parse(last[1][1]) as LoggedEvent).seq + 1 : 0;
      let writeFailure: string | undefined;
      const outcome = await runJob({
        spec: record.spec,
        runDir: o.runDir(jobId),
        backend: o.backend,
        ...(o.engine ? { engine: o.engine } : {}),
        openSource: o.openSource,
        ...(o.openWeights ? { openWeights: o.openWeights } : {}),
        onEvent: (event) => {
          const entry = JSON.stringify({ seq: seq++, event });
          const live = JSON.stringify({ type: 'event', jobId, seq: seq - 1, event });
          redis
            .eval(APPEND_EVENT, 3, keys.events(jobId), keys.eventSeq(jobId), keys.updates, seq - 1, entry, live)
            .then(() => undefined)
            .catch((err: unknown) => err)
            .then((err) => {
              if (err === undefined || writeFailure !== undefined) return;
              writeFailure = `the event log could not be written to Redis: ${err instanceof Error ? err.message : String(err)}`;
              controller.abort(writeFailure);
            });
        },
        signal: controller.signal,
      });
      running.delete(jobId);
      const failure = writeFailure ?? (outcome.status === 'failed' && isDiskFull(outcome.message) ? `disk full: ${outcome.message}` : undefined);
      await update({
        ...record,
        status: failure ? 'failed' : outcome.status,
        message: failure ?? outcome.message,
        endedAt: Date.now(),
        ...(outcome.summary ? { summary: outcome.summary } : {}),
      });
      return { status: outcome.status };
    },
    {
      connection: { url: o.url, maxRetriesPerRequest: null },
      prefix: `${o.prefix ?? 'studio'}:bull`,
      concurrency: 1,
      lockDuration: lockMs,
      stalledInterval: Math.max(500, lockMs / 2),
      // A job is worth resuming however often its workers die; it fails only by itself.
      maxStalledCount: 1000,
    },
  );
  worker.on('error', (err) => console.error(`companion worker: ${err.message}`));
  return {
    id,
    async close() {
      for (const c of running.values()) c.abort('the worker is shutting down');
      await worker.close();
      sub.disconnect();
      redis.disconnect();
    },
  };
}
