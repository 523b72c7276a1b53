import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding the engine's Python package: the repository's python/ (the CLI runs
 * from its sources), or STUDIO_TORCH_PACKAGE where a bundle carries it elsewhere (the device kit).
 */
export const TORCH_PACKAGE_DIR = process.env.STUDIO_TORCH_PACKAGE || fileURLToPath(new URL('../../../python', import.meta.url));

/** The oldest PyTorch the engine is tested on (Debian bookworm's python3-torch). */
const MIN_TORCH: [number, number] = [1, 13];

const INSTALL = "Python 3 with PyTorch >= 1.13 and torchvision (Debian: apt-get install python3-torch python3-torchvision; elsewhere a venv with pip install torch torchvision, named by STUDIO_PYTHON=/path/to/venv/bin/python)";

/** Debian's interpreter, where apt's python3-torch lives, tried when python3 on the PATH (a pyenv or conda one, say) has no torch. */
const SYSTEM_PYTHON = '/usr/bin/python3';
let found: string | undefined;

/**
 * The interpreter the engine runs on: STUDIO_PYTHON when set; else python3 on the PATH, or
 * Debian's /usr/bin/python3 when only that one imports torch.
 */
export function torchPython(): string {
  if (process.env.STUDIO_PYTHON) return process.env.STUDIO_PYTHON;
  if (found) return found;
  const imports = (python: string) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
  found = !imports('python3') && existsSync(SYSTEM_PYTHON) && imports(SYSTEM_PYTHON) ? SYSTEM_PYTHON : 'python3';
  return found;
}

export interface TorchInfo {
  python: string;
  torch: string;
  torchvision: string;
  cuda: number;
}

/** Checks that the interpreter has a recent enough PyTorch; one sentence when it has not. */
export function torchInfo(python = torchPython()): TorchInfo {
  const probe = 'import json, torch, torchvision; print(json.dumps({"torch": torch.__version__, "torchvision": torchvision.__version__, "cuda": torch.cuda.device_count() if torch.cuda.is_available() else 0}))';
  const run = spawnSync(python, ['-c', probe], { encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw new Error(`the PyTorch engine needs ${INSTALL}: ${python} could not be run (${(run.error as NodeJS.ErrnoException).code ?? run.error.message})`);
  if (run.status !== 0) {
    const last = run.stderr.trim().split('\n').pop() ?? '';
    throw new Error(`the PyTorch engine needs ${INSTALL}: ${python} says "${last}"`);
  }
  const info = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Omit<TorchInfo, 'python'>;
  const [major, minor] = info.torch.split(/[.+a-z]/).map(Number);
  if (major < MIN_TORCH[0] || (major === MIN_TORCH[0] && minor < MIN_TORCH[1])) {
    throw new Error(`the PyTorch engine needs ${INSTALL}: ${python} has PyTorch ${info.torch}`);
  }
  return { python, ...info };
}

/** A field the engine cannot train, and why (the engine's own `unsupported`). */
export interface TorchRefusal {
  field: string;
  reason: string;
}

/** How a job is launched: one process, N processes on this machine, or torchrun's own rendezvous arguments for several machines. */
export interface TorchLaunch {
  nproc: number;
  /** Replaces `--standalone --nproc_per_node N`: e.g. `--nnodes 2 --node_rank 0 --nproc_per_node 8 --rdzv_backend c10d --rdzv_endpoint host:29400`. */
  torchrunArgs?: string[];
  /** Restarts of the whole worker group after a rank dies (torchrun's --max_restarts); each restart resumes from the last checkpoint. */
  maxRestarts?: number;
  /** CUDA_VISIBLE_DEVICES for the job (the companion's --gpus). */
  gpus?: string;
}

export function torchArgs(jobPath: string, launch: TorchLaunch): string[] {
  const engine = ['-m', 'studio_torch', 'train', jobPath];
  if (launch.nproc <= 1 && !launch.torchrunArgs) return engine;
  const where = launch.torchrunArgs ?? ['--standalone', '--nproc_per_node', String(launch.nproc)];
  // --redirects 1 --tee 1: torch 1.13's launcher cannot parse its own default (0) on Python 3.11
  // (Std.NONE is not iterated there); stdout still reaches us through the tee.
  return ['-c', TORCHRUN, ...where, '--max_restarts', String(launch.maxRestarts ?? 0), '--redirects', '1', '--tee', '1', ...engine];
}

/**
 * torchrun (`python -m torch.distributed.run`) killed when the Node process that launched it
 * is gone, however it went (Linux' PR_SET_PDEATHSIG), its ranks with it (they die with their
 * parent the same way, __main__.py): a companion killed with -9 leaves no job training on
 * unwatched beside the copy it resumes. SIGKILL, not a graceful stop: nobody is left to read
 * a last event, and checkpoints are written whole or not at all.
 */
const TORCHRUN = [
  'import ctypes, runpy, signal, sys',
  'try:\n    ctypes.CDLL("libc.so.6").prctl(1, int(signal.SIGKILL))\nexcept (OSError, AttributeError):\n    pass',
  'sys.argv[0] = "torchrun"',
  'runpy.run_module("torch.distributed.run", run_name="__main__", alter_sys=True)',
].join('\n');

function torchEnv(launch?: TorchLaunch): NodeJS.ProcessEnv {
  const path = process.env.PYTHONPATH ? `${TORCH_PACKAGE_DIR}:${process.env.PYTHONPATH}` : TORCH_PACKAGE_DIR;
  // torchrun sets 1 thread per process (and warns) unless told; the machine's cores shared between the local processes is what a CPU job wants.
  const threads = process.env.OMP_NUM_THREADS ?? String(Math.max(1, Math.floor(availableParallelism() / Math.max(1, launch?.nproc ?? 1))));
  return { ...process.env, PYTHONPATH: path, PYTHONUNBUFFERED: '1', OMP_NUM_THREADS: threads, ...(launch?.gpus !== undefined ? { CUDA_VISIBLE_DEVICES: launch.gpus } : {}) };
}

/** Parses the engine's refusal line (`{"refused": [...]}` on stderr, exit code 2). */
export function refusalsIn(stderr: string): TorchRefusal[] | undefined {
  for (const line of stderr.split('\n').reverse()) {
    const at = line.indexOf('{"refused"');
    if (at < 0) continue;
    try {
      return (JSON.parse(line.slice(at)) as { refused: TorchRefusal[] }).refused;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Asks the engine, before anything is queued or written, what of a (parsed) spec it cannot
 * train: `python -m studio_torch check -` with the spec on stdin.
 */
export async function torchRefusals(spec: unknown, worldSize = 1, python = torchPython()): Promise<TorchRefusal[]> {
  const child = spawn(python, ['-m', 'studio_torch', 'check', '-', `--world-size=${worldSize}`], { env: torchEnv(), stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-64 * 1024)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
    child.stdin.end(JSON.stringify(spec));
  });
  if (code === 0) return [];
  const refused = refusalsIn(stderr);
  if (refused) return refused;
  throw new Error(`the PyTorch engine could not check the spec: ${stderr.trim().split('\n').pop() ?? `exit ${code}`}`);
}

/** The engine's refusals of a spec for a launch, as the companion API's problems (each names its field). */
export async function torchSpecProblems(spec: unknown, launch: TorchLaunch): Promise<{ path: string; message: string }[]> {
  const world = launch.torchrunArgs ? 1 : launch.nproc;
  return (await torchRefusals(spec, world)).map((r) => ({ path: r.field, message: r.reason }));
}

/** One sentence per refusal, naming the field. */
export function refusalMessage(refused: TorchRefusal[]): string {
  return `the PyTorch engine cannot train this spec: ${refused.map((r) => `${r.field}: ${r.reason}`).join('; ')}`;
}

export interface TorchRun {
  /** Resolves with the exit code once every process has ended. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** SIGTERM to the launcher (torchrun passes it on to every rank). */
  stop(): void;
}

/** Starts the engine on a job folder; stderr is kept (its tail explains a failure) and echoed through `onStderr`. */
export function startTorch(jobPath: string, launch: TorchLaunch, opts: { python?: string; onStderr?: (text: string) => void } = {}): TorchRun {
  const child = spawn(opts.python ?? torchPython(), torchArgs(jobPath, launch), { env: torchEnv(launch), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stderr = (stderr + text).slice(-64 * 1024);
    opts.onStderr?.(text);
  };
  child.stderr.on('data', keep);
  child.stdout.on('data', keep);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { done, stop: () => child.kill('SIGTERM') };
}
