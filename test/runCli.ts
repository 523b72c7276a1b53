import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { TrainEvent } from '../src/core/train/trainEvent.ts';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const BIN = new URL('../bin/studio.mjs', import.meta.url).pathname;

/** Runs the real CLI as a child process, as a person at a terminal would. */
export function runCli(args: string[], opts: { onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onStderr?.(stderr, (signal) => child.kill(signal));
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function readEvents(runDir: string): TrainEvent[] {
  return readFileSync(`${runDir}/events.jsonl`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TrainEvent);
}
