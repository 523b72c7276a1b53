import { GPU_BENCH_CASES, SMALL_BENCH_CASES, benchCaseLabel } from './benchCase.ts';
import { BENCH_ENGINES, type BenchEngineId } from './benchEngines.ts';
import type { BenchPageState, BrowserBenchConfig, BrowserBenchResult } from './browserBench.ts';
import { runBrowserBench } from './runBrowserBench.ts';
import { engineLabel, ratioColumns, sideBySide } from './sideBySide.ts';

/*
 * bench.html: the browser half of `npm run bench`. A person opens it to see how fast their
 * own browser and GPU train; `studio bench` opens it in Chromium with `?config=<json>`, and
 * reads `window.studioBench` when it is done (each line is also logged, prefixed "[bench]").
 */
declare global {
  interface Window {
    studioBench: BenchPageState;
  }
}

const STEPS = 3;

const log = document.getElementById('log') as HTMLPreElement;
const tableHost = document.getElementById('table') as HTMLDivElement;
const form = document.getElementById('controls') as HTMLFormElement;
const runButton = document.getElementById('run') as HTMLButtonElement;
const engineBox = document.getElementById('engines') as HTMLFieldSetElement;

window.studioBench = { state: 'idle' };

for (const engine of BENCH_ENGINES) {
  const label = document.createElement('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.name = 'engine';
  box.value = engine.id;
  box.checked = true;
  label.append(box, ` ${engine.label}`);
  engineBox.append(label);
}

function say(line: string): void {
  log.textContent += `${line}\n`;
  console.log(`[bench] ${line}`);
}

function cell(tag: 'td' | 'th', text: string): HTMLTableCellElement {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

function renderTable(result: BrowserBenchResult, engines: BenchEngineId[]): void {
  const pairs = ratioColumns(engines);
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  head.append(cell('th', 'model'), cell('th', 'batch'), ...engines.map((e) => cell('th', `${engineLabel(e)} img/s`)));
  head.append(...pairs.map(([a, b]) => cell('th', `${engineLabel(a)} ÷ ${engineLabel(b)}`)));
  const body = table.createTBody();
  for (const row of sideBySide(result.timings)) {
    const tr = body.insertRow();
    tr.append(cell('td', benchCaseLabel(row.case)), cell('td', String(row.case.batchSize)));
    tr.append(...engines.map((e) => cell('td', row.samplesPerSec[e]?.toFixed(1) ?? '—')));
    for (const [a, b] of pairs) {
      const r = row.ratios.find((x) => x.studio === a && x.stock === b);
      tr.append(cell('td', r ? `${r.speedup.toFixed(2)}×` : '—'));
    }
  }
  tableHost.replaceChildren(table);
}

async function run(config: BrowserBenchConfig): Promise<void> {
  runButton.disabled = true;
  log.textContent = '';
  tableHost.replaceChildren();
  window.studioBench = { state: 'running' };
  try {
    const result = await runBrowserBench(config, say);
    renderTable(result, config.engines);
    window.studioBench = { state: 'done', result };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    say(`bench failed: ${error}`);
    window.studioBench = { state: 'failed', error };
  } finally {
    runButton.disabled = false;
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const data = new FormData(form);
  const engines = data.getAll('engine').map(String) as BenchEngineId[];
  const cases = data.get('sizes') === 'gpu' ? GPU_BENCH_CASES : SMALL_BENCH_CASES;
  void run({ cases: [...cases], steps: STEPS, engines, parity: data.get('parity') !== null });
});

const preset = new URLSearchParams(location.search).get('config');
if (preset !== null) {
  let config: BrowserBenchConfig | undefined;
  try {
    config = JSON.parse(preset) as BrowserBenchConfig;
  } catch (err) {
    const error = `the config parameter is not JSON: ${(err as Error).message}`;
    say(error);
    window.studioBench = { state: 'failed', error };
  }
  if (config) void run(config);
}
