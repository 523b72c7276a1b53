import type { TrainEvent } from '../core/train/trainEvent.ts';

function fmt(n: number | undefined, digits = 4): string {
  return n === undefined || !Number.isFinite(n) ? '-' : Number(n.toPrecision(digits)).toString();
}

function duration(sec: number): string {
  if (!Number.isFinite(sec)) return '-';
  const s = Math.round(sec);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

/**
 * Terminal progress: on a TTY one line redrawn per step plus a line per epoch; in a pipe
 * (CI, logs) only the epoch lines, so logs stay readable.
 */
export function progressPrinter(out: NodeJS.WriteStream = process.stderr): (event: TrainEvent) => void {
  let totalSteps = 0;
  let epochs = 0;
  return (event) => {
    switch (event.type) {
      case 'trainBegin':
        totalSteps = event.totalSteps;
        epochs = event.epochs;
        out.write(
          `training on ${event.backend}: ${event.trainSamples} train / ${event.valSamples} val images, ` +
            `${event.classNames.length} classes, ${event.params.toLocaleString('en-US')} params, ${event.totalSteps} steps` +
            (event.startEpoch > 0 ? ` (resuming at epoch ${event.startEpoch + 1})` : '') +
            '\n' +
            (event.cachedFeatures !== undefined ? `the backbone is frozen whole: its features (${event.cachedFeatures.toLocaleString('en-US')} values an image) were computed once, and the head trains on them\n` : '') +
            (event.cachedFeaturesError ? `the frozen backbone's features could not be cached (${event.cachedFeaturesError}); training through the whole model\n` : '') +
            (event.unfreezeAfterEpochs !== undefined ? `the head trains on the frozen blocks for ${event.unfreezeAfterEpochs} epoch(s), then the whole backbone trains\n` : ''),
        );
        break;
      case 'step':
        if (out.isTTY) {
          const pct = totalSteps ? Math.floor((100 * event.step) / totalSteps) : 0;
          out.write(
            `\r  epoch ${event.epoch + 1}/${epochs} step ${event.step}/${totalSteps} ${pct}% loss ${fmt(event.loss)} ` +
              `lr ${fmt(event.lr, 3)} ${fmt(event.samplesPerSec, 3)} img/s ETA ${duration(event.etaSec)}   `,
          );
        }
        break;
      case 'epoch': {
        const metrics = Object.entries(event.metrics)
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join('  ');
        out.write(`${out.isTTY ? '\r\x1b[K' : ''}epoch ${event.epoch + 1}/${epochs}  ${metrics}  lr ${fmt(event.lr, 3)}  ${duration(event.durationSec)}\n`);
        break;
      }
      case 'checkpoint':
        break;
      case 'trainEnd':
        out.write(`${out.isTTY ? '\r\x1b[K' : ''}${event.reason}: ${event.message}\n`);
        break;
    }
  };
}
