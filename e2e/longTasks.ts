import type { Browser, Page } from '@playwright/test';

/**
 * Main-thread responsiveness, measured two ways at once. A PerformanceObserver for
 * 'longtask' (installed before navigation) reports every task that took over 50 ms of
 * wall time; a Chrome trace says how much of that time the page's main thread actually
 * ran (thread CPU time). On a loaded machine a 3 ms task can take 60 ms of wall time while
 * other processes hold the cores, so a long task only counts against the page when the
 * page itself was busy for over 50 ms in it.
 */

export interface LongTask {
  start: number;
  wallMs: number;
  /** Main-thread CPU time of the task, from the trace; undefined when the trace has no such task. */
  cpuMs?: number;
}

/** What the init script keeps on the page's global object (e2e files compile without DOM types). */
interface LongTaskLog {
  __longTasks: { start: number; duration: number }[];
  __longTasksFrom: number;
}

const SYNC_MARK = 'e2e-long-task-sync';

/** Call before the first navigation. */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log = globalThis as unknown as LongTaskLog;
    log.__longTasks = [];
    log.__longTasksFrom = Number.POSITIVE_INFINITY;
    // Node's typings (this file compiles against them) do not list the browser-only 'longtask' type.
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.startTime >= log.__longTasksFrom) log.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask' as 'function', buffered: true });
  });
}

/** Starts counting (and tracing) from now; the page must be loaded. */
export async function startLongTaskWindow(browser: Browser, page: Page): Promise<number> {
  await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline', 'blink.user_timing'] });
  return page.evaluate((mark) => {
    const at = performance.mark(mark).startTime;
    (globalThis as unknown as LongTaskLog).__longTasksFrom = at;
    return at;
  }, SYNC_MARK);
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
}

/** Ends the window: every long task the observer saw, with the CPU time the trace gives it. */
export async function stopLongTaskWindow(browser: Browser, page: Page, syncAt: number): Promise<LongTask[]> {
  const tasks = await page.evaluate(() => (globalThis as unknown as LongTaskLog).__longTasks);
  const { traceEvents } = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
  const sync = traceEvents.find((e) => e.name === SYNC_MARK);
  if (!sync) throw new Error(`the trace has no '${SYNC_MARK}' mark, so its tasks cannot be lined up with the observer's`);
  // Trace timestamps are microseconds on another clock: the mark is the same instant on both.
  const offsetMs = sync.ts / 1000 - syncAt;
  const mainTasks = traceEvents.filter((e) => e.name === 'RunTask' && e.pid === sync.pid && e.tid === sync.tid && e.dur !== undefined);
  return tasks.map(({ start, duration }) => {
    // The trace's task is the one that shares most of the observed interval, at least half of
    // it: on a loaded machine the two clocks' views of one task differ by a few ms at each end.
    const overlap = (e: TraceEvent) => {
      const from = e.ts / 1000 - offsetMs;
      return Math.min(from + (e.dur ?? 0) / 1000, start + duration) - Math.max(from, start);
    };
    const match = mainTasks.reduce<TraceEvent | undefined>((best, e) => (overlap(e) > (best ? overlap(best) : duration / 2) ? e : best), undefined);
    return { start: Math.round(start), wallMs: Math.round(duration), ...(match?.tdur !== undefined ? { cpuMs: Math.round(match.tdur / 100) / 10 } : {}) };
  });
}
