import { initNodeBackend, type NodeBackendName } from '../node/backend.ts';
import { isDiskFull } from './diskState.ts';
import { openJobSource } from './openJobSource.ts';
import { openJobWeights } from './openJobWeights.ts';
import { runJob } from './runJob.ts';
import type { FromJobProcess, ToJobProcess } from './runJobInProcess.ts';
import { SyncEventLog } from './syncEventLog.ts';
import { UploadStore } from './uploadStore.ts';

/**
 * The entry of a job's own process (runJobInProcess forks it): takes one job from its
 * parent, trains it on the backend named, sends its events and outcome back, and exits.
 * It exits too when its parent is gone, so a killed companion leaves no orphan training.
 */
const controller = new AbortController();
const send = (message: FromJobProcess, then?: () => void) => process.send?.(message, undefined, {}, () => then?.());

process.on('disconnect', () => process.exit(1));
process.on('message', (message: ToJobProcess) => {
  if (message.type === 'abort') return controller.abort(message.reason);
  const o = message.options;
  void (async () => {
    // The PyTorch engine trains in Python; the core here only prepares the job and scores the result, on the CPU.
    await initNodeBackend(o.engine ? 'cpu' : (o.backend as NodeBackendName));
    const log = new SyncEventLog(o.logPath);
    let writeFailure: string | undefined;
    const outcome = await runJob({
      spec: o.spec,
      runDir: o.runDir,
      backend: o.backend,
      ...(o.engine ? { engine: o.engine } : {}),
      openSource: openJobSource(new UploadStore(o.uploadsRoot)),
      openWeights: openJobWeights(new UploadStore(o.uploadsRoot)),
      onEvent: (event) => {
        // An orphan (its companion killed) stops before writing anything more.
        if (!process.connected) process.exit(1);
        if (writeFailure !== undefined) return;
        try {
          send({ type: 'event', seq: log.append(event), event });
        } catch (err) {
          writeFailure = `${isDiskFull(err) ? 'disk full: ' : ''}the event log could not be written (${err instanceof Error ? err.message : String(err)})`;
          controller.abort(writeFailure);
        }
      },
      signal: controller.signal,
    });
    return writeFailure === undefined ? outcome : { ...outcome, status: 'failed' as const, message: writeFailure };
  })()
    .catch((err: unknown) => ({ status: 'failed' as const, message: err instanceof Error ? err.message : String(err) }))
    // Exits once the outcome is sent: the CPU kernels' worker threads would keep the process alive.
    .then((outcome) => send({ type: 'outcome', outcome }, () => process.exit(0)));
});
