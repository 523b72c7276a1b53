import { benchCommand } from './benchCommand.ts';
import { evalCommand } from './evalCommand.ts';
import { exportCommand } from './exportCommand.ts';
import { importRunCommand } from './importRunCommand.ts';
import { importWeightsCommand } from './importWeightsCommand.ts';
import { lrFindCommand } from './lrFindCommand.ts';
import { makeDataCommand } from './makeDataCommand.ts';
import { predictCommand } from './predictCommand.ts';
import { scheduleCommand } from './scheduleCommand.ts';
import { trainCommand } from './trainCommand.ts';
import { zooCommand } from './zooCommand.ts';
import { UsageError } from './usageError.ts';

const USAGE = `studio — train image models with the studio's core, headless

Usage:
  studio train <spec.json> [--data DIR] [--backend cpu|webgpu] [--out DIR [--force]]
  studio train --resume RUN_DIR [--data DIR] [--backend cpu|webgpu]
  studio train <spec.json> --engine torch [--nproc N] [--torchrun="ARGS"] [--max-restarts N]
                                           the same run on PyTorch (python/studio_torch): N processes with
                                           DistributedDataParallel, several machines with torchrun's ARGS
  studio schedule <spec.json>                 LR for every optimizer step, as JSON
  studio lr-find <spec.json> [--data DIR] [--steps 100]   LR range test, suggested lr
  studio zoo [--input 112] [--channels 3] [--classes 10] [--width 1]
  studio eval <run-dir> [--data DIR] [--split test|val|train] [--backend cpu|webgpu]
              [--report FILE.html] [--metrics FILE.json|FILE.csv] [--pairs pairs.txt]
  studio export <run-dir> --format tfjs|onnx --out DIR [--checkpoint final|best|last] [--force]
  studio import-weights <file.safetensors|URL> --arch NAME --out RUN_DIR [--classes N]
              [--input PX] [--labels FILE] [--names torchvision|timm]   PyTorch weights as a run
  studio import-weights face-api|<folder> --arch faceRecognitionNet --out RUN_DIR   face-api.js' face descriptor
  studio import-run <file.studio-run> --out RUN_DIR [--force]   a run exported from the studio's Runs page
  studio predict <run-dir> <image>... [--json] [--top 5] [--checkpoint final|best|last]
  studio make-data <shapes|boxes|faces|faceBoxes|expressions> <out-dir> [--classes 3] [--per-class 20] [--size 64]
  studio bench [--backend all|cpu,webgpu,chromium] [--quick] [--gpu] [--engines LIST]
               [--models LIST] [--size PX] [--batch LIST] [--width W] [--out FILE]
  studio bench --recipes all|000,002,...   each example trained as written: seconds and test result

Docs: docs/cli.md and docs/run-spec.md`;

const commands: Record<string, (args: string[]) => Promise<void>> = {
  train: trainCommand,
  schedule: scheduleCommand,
  zoo: zooCommand,
  eval: evalCommand,
  export: exportCommand,
  'make-data': makeDataCommand,
  'import-weights': importWeightsCommand,
  'import-run': importRunCommand,
  predict: predictCommand,
  'lr-find': lrFindCommand,
  bench: benchCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`studio: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandUsage(name));
    return 0;
  }
  try {
    await command(rest);
    return 0;
  } catch (err) {
    // One clear line for the person at the terminal; STUDIO_DEBUG shows the stack.
    const message = err instanceof Error ? err.message : String(err);
    console.error(`studio ${name}: ${message}`);
    if (process.env.STUDIO_DEBUG && err instanceof Error) console.error(err.stack);
    return err instanceof UsageError ? 2 : 1;
  }
}


/** The usage lines of one command (its line in USAGE and the indented lines after it). */
export function commandUsage(name: string): string {
  const lines = USAGE.split('\n');
  const own: string[] = [];
  lines.forEach((line, i) => {
    const starts = line.startsWith(`  studio ${name} `) || line === `  studio ${name}`;
    const continues = own.length > 0 && /^ {6,}/.test(line) && (lines[i - 1] === own[own.length - 1]);
    if (starts || continues) own.push(line);
  });
  return `Usage:\n${own.join('\n')}\n\nDocs: docs/cli.md`;
}
