import { parseArgs } from 'node:util';
import { openTrainer } from '../node/openTrainer.ts';
import { readSpecFile } from './readSpecFile.ts';
import { backendOption } from './trainCommand.ts';

/** LR range test for a spec on its data: prints the lr/loss curve and the suggested lr as JSON. */
export async function lrFindCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      backend: { type: 'string' },
      steps: { type: 'string', default: '100' },
      'start-lr': { type: 'string', default: '1e-7' },
      'end-lr': { type: 'string', default: '10' },
    },
  });
  const spec = await readSpecFile(positionals[0]);
  const { trainer } = await openTrainer({ spec, backend: backendOption(values.backend), ...(values.data ? { dataDir: values.data } : {}) });
  try {
    const result = await trainer.findLearningRate({
      steps: Number(values.steps),
      startLr: Number(values['start-lr']),
      endLr: Number(values['end-lr']),
    });
    console.error(`suggested lr: ${result.suggestedLr.toPrecision(3)}${result.stoppedEarly ? ' (the loss diverged before the end lr)' : ''}`);
    console.log(JSON.stringify(result));
  } finally {
    trainer.dispose();
  }
}
