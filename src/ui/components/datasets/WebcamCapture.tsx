import { useEffect, useRef, useState } from 'react';
import { useDatasetsStore } from '../../../store/datasetsStore.ts';
import type { DatasetRecord } from '../../../storage/storageRecords.ts';
import { openCamera } from '../common/openCamera.ts';

/** Captured frames are square crops of this side: large enough for any zoo model's input. */
const FRAME_SIDE = 224;
/** Frames per second while "hold to record" is held. */
const HOLD_FPS = 8;

/** Draws the centre square of the current video frame at FRAME_SIDE px and encodes it as PNG. */
function grabFrame(video: HTMLVideoElement, canvas: HTMLCanvasElement): Promise<Blob> {
  const side = Math.min(video.videoWidth, video.videoHeight);
  const context = canvas.getContext('2d');
  if (!context || side === 0) return Promise.reject(new Error('the camera has not delivered a frame yet'));
  canvas.width = FRAME_SIDE;
  canvas.height = FRAME_SIDE;
  context.drawImage(video, (video.videoWidth - side) / 2, (video.videoHeight - side) / 2, side, side, 0, 0, FRAME_SIDE, FRAME_SIDE);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the frame could not be encoded'))), 'image/png'));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Teachable-Machine-style capture: pick a class, then hold to record or take a burst of
 * N frames; the frames are imported into the selected dataset (or a new "Webcam" one)
 * under that class, through the same import as files.
 */
export function WebcamCapture({ selected }: { selected: DatasetRecord | undefined }) {
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const stream = useRef<MediaStream | undefined>(undefined);
  const holding = useRef(false);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<string>();
  const [className, setClassName] = useState('');
  const [burst, setBurst] = useState(10);
  const [intervalMs, setIntervalMs] = useState(150);
  const [capturing, setCapturing] = useState(0);
  const importing = useDatasetsStore((s) => s.imports.running);
  const ready = live && className.trim() !== '' && capturing === 0 && !importing;

  function stop() {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = undefined;
    setLive(false);
  }

  // Leaving the page must release the camera (its light goes off).
  useEffect(() => () => stream.current?.getTracks().forEach((t) => t.stop()), []);

  async function start() {
    setError(undefined);
    try {
      stream.current = await openCamera(video.current);
      setLive(true);
    } catch (e) {
      stop();
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  async function save(frames: Blob[]) {
    if (frames.length === 0) return;
    const stamp = Date.now();
    const entries = frames.map((file, i) => ({ path: `webcam-${stamp}-${String(i).padStart(3, '0')}.png`, file }));
    await useDatasetsStore.getState().importEntries(entries, selected ? { datasetId: selected.id } : { newName: 'Webcam', origin: 'webcam' }, className.trim());
  }

  async function capture(count: number, every: number, keepGoing: () => boolean) {
    const v = video.current;
    const c = canvas.current;
    if (!v || !c) return;
    const frames: Blob[] = [];
    try {
      for (let i = 0; i < count && keepGoing(); i++) {
        frames.push(await grabFrame(v, c));
        setCapturing(frames.length);
        await sleep(every);
      }
    } catch (e) {
      setError(`Capturing stopped: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setCapturing(0);
    }
    await save(frames);
  }

  function startHold() {
    if (holding.current || !ready) return;
    holding.current = true;
    // Bounded, so a lost pointer-up cannot record forever.
    void capture(HOLD_FPS * 60, 1000 / HOLD_FPS, () => holding.current);
  }
  const endHold = () => {
    holding.current = false;
  };

  const counts = selected ? Object.entries(selected.classCounts).sort(([a], [b]) => (a < b ? -1 : 1)) : [];
  return (
    <section className="ds-panel ds-webcam" aria-label="webcam capture" data-testid="datasets.webcam">
      <h2>Webcam</h2>
      <div className="ds-webcam-body">
        <div className="ds-webcam-view">
          <video ref={video} muted playsInline aria-label="camera preview" hidden={!live} />
          {!live && <div className="ds-webcam-off">camera off</div>}
          <canvas ref={canvas} hidden />
        </div>
        <div className="ds-webcam-controls">
          {live ? (
            <button type="button" className="ds-button-quiet" onClick={stop}>
              Stop camera
            </button>
          ) : (
            <button type="button" onClick={() => void start()} data-testid="datasets.webcamStart">
              Start camera
            </button>
          )}
          <label>
            Class{' '}
            <input aria-label="class of the captured frames" list="ds-webcam-classes" value={className} onChange={(e) => setClassName(e.target.value)} placeholder="e.g. thumbs-up" />
            <datalist id="ds-webcam-classes">
              {counts.map(([c]) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          </label>
          <button
            type="button"
            disabled={!ready}
            onPointerDown={startHold}
            onPointerUp={endHold}
            onPointerLeave={endHold}
            onKeyDown={(e) => {
              if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) {
                e.preventDefault();
                startHold();
              }
            }}
            onKeyUp={endHold}
          >
            Hold to record
          </button>
          <div className="ds-inline">
            <label>
              Burst of <input type="number" min={1} max={200} value={burst} aria-label="frames per burst" onChange={(e) => setBurst(Math.max(1, Math.min(200, Number(e.target.value) || 1)))} />
            </label>
            <label>
              every <input type="number" min={0} max={5000} step={50} value={intervalMs} aria-label="milliseconds between burst frames" onChange={(e) => setIntervalMs(Math.max(0, Number(e.target.value) || 0))} /> ms
            </label>
            <button type="button" disabled={!ready} onClick={() => void capture(burst, intervalMs, () => true)}>
              Take burst
            </button>
          </div>
          {capturing > 0 && <p role="status">Captured {capturing} frames…</p>}
          {!live && !error && <p className="ds-muted ds-note">Frames go into {selected ? `“${selected.name}”` : 'a new dataset “Webcam”'} under the class you type.</p>}
          {error && (
            <p className="ds-error" role="alert" data-testid="datasets.webcamError">
              {error}
            </p>
          )}
          {counts.length > 0 && (
            <ul className="ds-webcam-counts" aria-label="images per class">
              {counts.map(([c, n]) => (
                <li key={c}>
                  {c}: {n}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
