import { existsSync } from 'node:fs';
import { link, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JobRecord, JobStatus } from './jobQueue.ts';

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;
const STATUSES = new Set<JobStatus>(['queued', 'active', 'completed', 'failed', 'cancelled']);

/** Where the copy before the latest write is kept. */
export const previousCopy = (path: string) => `${path}.prev`;

/**
 * Writes the queue's state so that a crash or a power cut at any moment leaves a whole
 * file: the new text goes to a temporary file that is fsync'd, the current file is kept
 * as `.prev` (a hard link, so it is never missing), the temporary file is renamed over
 * the current one, and the folder is fsync'd so the renames themselves are durable.
 */
export async function writeJobState(path: string, jobs: JobRecord[]): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(JSON.stringify(jobs, null, 1));
    await file.sync();
  } finally {
    await file.close();
  }
  if (existsSync(path)) {
    await rm(`${previousCopy(path)}.tmp`, { force: true });
    await link(path, `${previousCopy(path)}.tmp`);
    await rename(`${previousCopy(path)}.tmp`, previousCopy(path));
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The job records in a state file's text, or why they cannot be read; a malformed record is dropped and named. */
function parseJobState(text: string): { jobs: JobRecord[]; dropped: string[] } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: text.trim() === '' ? 'it is empty' : `it is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!Array.isArray(value)) return { problem: `it holds ${value === null ? 'null' : typeof value} instead of a list of jobs` };
  const jobs: JobRecord[] = [];
  const dropped: string[] = [];
  value.forEach((entry: unknown, i) => {
    const job = entry as Partial<JobRecord> | null;
    const ok =
      job !== null &&
      typeof job === 'object' &&
      typeof job.id === 'string' &&
      JOB_ID.test(job.id) &&
      STATUSES.has(job.status as JobStatus) &&
      job.spec !== null &&
      typeof job.spec === 'object' &&
      typeof job.createdAt === 'number' &&
      typeof job.attempts === 'number' &&
      !jobs.some((j) => j.id === job.id);
    if (ok) jobs.push(job as JobRecord);
    else dropped.push(`entry ${i}${typeof job?.id === 'string' ? ` (${job.id.slice(0, 64)})` : ''}`);
  });
  return { jobs, dropped };
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** What a run directory says of its job: ended (summary.json) or still to run. */
async function jobFromRunDir(runsDir: string, id: string): Promise<JobRecord | undefined> {
  const spec = await readJson(join(runsDir, id, 'spec.json'));
  if (spec === null || typeof spec !== 'object') return undefined;
  const summary = (await readJson(join(runsDir, id, 'summary.json'))) as JobRecord['summary'] | undefined;
  const job: JobRecord = { id, spec, status: 'queued', createdAt: 0, attempts: 0 };
  return summary ? endedBy(job, summary) : job;
}

function endedBy(job: JobRecord, summary: NonNullable<JobRecord['summary']>): JobRecord {
  const status: JobStatus = summary.reason === 'stopped' ? 'cancelled' : summary.reason === 'error' || summary.reason === 'nonFiniteLoss' ? 'failed' : 'completed';
  return { ...job, status, message: summary.message, summary };
}

/**
 * Reads the queue's state, never refusing to start: a damaged file (cut short, empty, not
 * a list) falls back to the copy before the last write; with neither, the jobs are rebuilt
 * from the run directories (their specs and summaries). Either way a job the record still
 * has as queued or active whose run directory holds a summary takes the ending it
 * recorded, and a run directory the record lacks is added. `notes` says what was
 * recovered, for the log. (A run that was stopped stays queued or active: a shutdown
 * stops runs to resume them at the next start.)
 */
export async function readJobState(path: string, runsDir: string): Promise<{ jobs: JobRecord[]; notes: string[] }> {
  const notes: string[] = [];
  let jobs: JobRecord[] | undefined;
  for (const candidate of [path, previousCopy(path)]) {
    if (!existsSync(candidate)) continue;
    const parsed = parseJobState(await readFile(candidate, 'utf8').catch(() => ''));
    if ('problem' in parsed) {
      notes.push(`${candidate} is damaged (${parsed.problem}); it is left as it is and not read`);
      continue;
    }
    if (parsed.dropped.length > 0) notes.push(`${candidate}: dropped ${parsed.dropped.length} malformed job record(s): ${parsed.dropped.slice(0, 5).join(', ')}`);
    if (candidate !== path) notes.push(`started from the previous copy ${candidate} (${parsed.jobs.length} jobs)`);
    jobs = parsed.jobs;
    break;
  }
  const damaged = notes.length > 0 && jobs === undefined;
  jobs ??= [];
  const ids = existsSync(runsDir) ? (await readdir(runsDir)).filter((id) => JOB_ID.test(id)) : [];
  const rebuilt: string[] = [];
  const settled: string[] = [];
  for (const id of ids) {
    const known = jobs.find((j) => j.id === id);
    if (known && known.status !== 'queued' && known.status !== 'active') continue;
    const fromDir = await jobFromRunDir(runsDir, id);
    if (!fromDir) continue;
    if (!known) {
      jobs.push(fromDir);
      rebuilt.push(`${id} (${fromDir.status})`);
    } else if (fromDir.summary && fromDir.summary.reason !== 'stopped') {
      // A stopped run is a shutdown's (a cancel is recorded here first): it stays to be resumed.
      Object.assign(known, endedBy(known, fromDir.summary));
      settled.push(`${id} (${known.status})`);
    }
  }
  if (damaged) notes.push(`no readable job record; rebuilt from the run directories`);
  if (rebuilt.length > 0) notes.push(`rebuilt ${rebuilt.length} job(s) from their run directories: ${rebuilt.join(', ')}`);
  if (settled.length > 0) notes.push(`took the ending recorded in the run directory for ${settled.join(', ')}`);
  return { jobs, notes };
}
