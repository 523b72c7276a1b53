import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import demoSpec from '../../examples/shapes-demo.json';
import type { RunSpecInput } from '../core/spec/runSpec.ts';
import { useEngine } from './useEngine.ts';

/**
 * The studio's first page: it says which compute it found and trains the generated
 * shapes demo in the engine worker with a live loss curve. The full studio (datasets,
 * runs, evaluation) builds on this shell.
 */
export function App() {
  const engine = useEngine();
  const busy = engine.status === 'loading' || engine.status === 'training' || engine.status === 'starting';
  const last = engine.epochs.at(-1);
  return (
    <main className="app">
      <header className="app-header">
        <h1>WebGPU Training Studio</h1>
        <p className="status" data-testid="status.backend" aria-label="compute backend">
          {engine.backend ? `${engine.backend === 'webgpu' ? 'WebGPU' : engine.backend.toUpperCase()} · ${engine.adapter}` : 'looking for a GPU…'}
        </p>
      </header>
      <section className="panel">
        <h2>Shapes in a minute</h2>
        <p>A generated dataset of coloured shapes, a small CNN, trained right here on your own GPU.</p>
        <button type="button" data-testid="demo.start" disabled={busy} onClick={() => engine.train(demoSpec as RunSpecInput)}>
          Train the demo
        </button>
        <p data-testid="demo.status" role="status">
          {engine.error
            ? `Error: ${engine.error}`
            : engine.end
              ? `${engine.end.reason}: ${engine.end.message}`
              : engine.status === 'training'
                ? `training, step ${engine.steps.at(-1)?.step ?? 0}`
                : engine.status}
        </p>
        {last && (
          <p data-testid="demo.metrics">
            epoch {last.epoch + 1}: {Object.entries(last.metrics).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(' · ')}
          </p>
        )}
        <div className="chart" data-testid="chart.loss" data-points={engine.steps.length}>
          <ResponsiveContainer width="100%" height={260}>
            <LineChart data={engine.steps.map((s) => ({ step: s.step, loss: s.loss, acc: s.metrics.acc }))}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="step" />
              <YAxis />
              <Tooltip />
              <Legend />
              <Line type="monotone" dataKey="loss" stroke="#1f6feb" dot={false} isAnimationActive={false} />
              <Line type="monotone" dataKey="acc" stroke="#2da44e" strokeDasharray="4 2" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      </section>
    </main>
  );
}
