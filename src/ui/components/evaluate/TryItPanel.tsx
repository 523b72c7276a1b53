import { useCallback, useEffect, useRef, useState } from 'react';
import type { DecodedImage } from '../../../core/data/sampleSource.ts';
import type { BandThresholds } from '../../../core/metrics/index.ts';
import type { Prediction } from '../../../core/train/predictor.ts';
import type { PredictorInfo } from '../../../engine/protocol.ts';
import type { CheckpointSlot } from '../../../storage/storageRecords.ts';
import { usePresenterStore } from '../../../store/presenterStore.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { openCamera } from '../common/openCamera.ts';
import { bandOf, bandWords, boxRect, centreSquare, nextRate, topClasses } from './tryItView.ts';

/** Side of the square sent to the engine: above every zoo input size, small enough for a message per frame. */
const SEND_SIDE = 224;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The centre square of an image or video frame as RGBA pixels at SEND_SIDE. */
function grab(source: CanvasImageSource, width: number, height: number, canvas: HTMLCanvasElement): DecodedImage {
  const { sx, sy, side } = centreSquare(width, height);
  canvas.width = SEND_SIDE;
  canvas.height = SEND_SIDE;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('this browser gave no 2D canvas to read the picture with');
  context.drawImage(source, sx, sy, side, side, 0, 0, SEND_SIDE, SEND_SIDE);
  const { data } = context.getImageData(0, 0, SEND_SIDE, SEND_SIDE);
  return { width: SEND_SIDE, height: SEND_SIDE, channels: 4, data };
}

function Result({ prediction, info, bands }: { prediction: Prediction; info: PredictorInfo; bands: BandThresholds }) {
  if (prediction.kind === 'embedding') {
    const best = prediction.nearest[0];
    return (
      <div className="tryit-result" data-testid="tryit.result" data-nearest={best?.name ?? ''}>
        {prediction.nearest.length === 0 ? (
          <p className="muted">Nobody is enrolled yet: enroll a person below.</p>
        ) : (
          <ol>
            {prediction.nearest.map((n) => (
              <li key={n.name}>
                <strong>{n.name}</strong> — similarity {n.similarity.toFixed(3)}
              </li>
            ))}
          </ol>
        )}
      </div>
    );
  }
  const top = topClasses(prediction.probs, info.classNames, 3);
  if (top.length === 0) return <p role="alert">The model gave no class probabilities for this picture.</p>;
  const band = bandOf(top[0].p, bands);
  return (
    <div className="tryit-result" data-testid="tryit.result" data-top-class={top[0].name} data-confidence={top[0].p}>
      <p>
        <strong>{top[0].name}</strong> {(top[0].p * 100).toFixed(1)} % — <span className={`tryit-band band-${band}`}>{bandWords[band]}</span>
      </p>
      <ul className="tryit-bars">
        {top.map((c) => (
          <li key={c.index}>
            <span>{c.name}</span>
            <meter min={0} max={1} value={c.p} aria-label={`${c.name} probability`} />
            <span>{(c.p * 100).toFixed(1)} %</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Try a trained model live: webcam frames one after another (one prediction in flight at
 * a time) or a chosen image, through the same input pipeline as training. Embedding models
 * name the nearest enrolled person; anyone can be enrolled from the current picture.
 * The parent keys it by run and checkpoint, so another model starts from a fresh panel.
 */
export function TryItPanel({ runId, slot, bands }: { runId: string; slot?: CheckpointSlot; bands: BandThresholds }) {
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const stream = useRef<MediaStream | undefined>(undefined);
  const lastImage = useRef<DecodedImage | undefined>(undefined);
  const [info, setInfo] = useState<PredictorInfo>();
  const [error, setError] = useState<string>();
  const [prediction, setPrediction] = useState<Prediction>();
  const [preview, setPreview] = useState<string>();
  const [live, setLive] = useState(false);
  const [fps, setFps] = useState<number>();
  const [enrollName, setEnrollName] = useState('');
  // The live loop outlives renders; it reads the model's labels here to hand each answer to the presenter view.
  const infoRef = useRef<PredictorInfo | undefined>(undefined);
  useEffect(() => {
    infoRef.current = info;
  }, [info]);
  /** Shows an answer here and in the presenter view (classroom mode), which shows the latest one in large type. */
  const show = useCallback((p: Prediction) => {
    setPrediction(p);
    if (infoRef.current) usePresenterStore.getState().setPrediction(p, infoRef.current);
  }, []);

  useEffect(() => {
    let alive = true;
    const engine = useSessionStore.getState().engine();
    engine
      .loadPredictor(runId, slot)
      .then((loaded) => alive && setInfo(loaded))
      .catch((e: unknown) => alive && setError(errorText(e)));
    return () => {
      alive = false;
      engine.send({ type: 'unloadPredictor' });
    };
  }, [runId, slot]);

  useEffect(() => () => stream.current?.getTracks().forEach((t) => t.stop()), []);
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview) : undefined), [preview]);

  // Keyed on "loaded", not on info: enrolling replaces info, and restarting the loop then would put a second prediction in flight.
  const loaded = info !== undefined;

  // The live loop: grab, predict, show, next frame, while the camera runs.
  useEffect(() => {
    if (!live || !loaded) return;
    let running = true;
    const engine = useSessionStore.getState().engine();
    void (async () => {
      while (running && video.current && canvas.current) {
        const v = video.current;
        const started = performance.now();
        try {
          if (v.videoWidth > 0) {
            const image = grab(v, v.videoWidth, v.videoHeight, canvas.current);
            lastImage.current = image;
            const p = await engine.predict(image);
            if (!running) return;
            show(p);
            const elapsed = performance.now() - started;
            setFps((previous) => nextRate(previous, elapsed));
          } else {
            await new Promise((r) => setTimeout(r, 50));
          }
        } catch (e) {
          if (running) {
            setError(`Live prediction stopped: ${errorText(e)}`);
            stopCamera();
          }
          return;
        }
      }
    })();
    return () => {
      running = false;
    };
  }, [live, loaded, show]);

  async function startCamera() {
    setError(undefined);
    try {
      const opened = await openCamera(video.current);
      stream.current = opened;
      // Unplugged, or access revoked in the browser: the loop must not keep predicting on a frozen frame.
      opened.getVideoTracks().forEach((t) => t.addEventListener('ended', () => stream.current === opened && stopCamera()));
      setPreview(undefined);
      setLive(true);
    } catch (e) {
      setError(errorText(e));
    }
  }

  function stopCamera() {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = undefined;
    setLive(false);
    setFps(undefined);
  }

  async function tryFile(file: File | undefined) {
    if (!file || !canvas.current || !info) return;
    setError(undefined);
    stopCamera();
    try {
      const bitmap = await createImageBitmap(file).catch(() => {
        throw new Error(`${file.name} is not an image this browser can read`);
      });
      const image = grab(bitmap, bitmap.width, bitmap.height, canvas.current);
      bitmap.close();
      lastImage.current = image;
      setPreview(URL.createObjectURL(file));
      show(await useSessionStore.getState().engine().predict(image));
    } catch (e) {
      setError(errorText(e));
    }
  }

  async function enroll() {
    const image = lastImage.current;
    const name = enrollName.trim();
    if (!image) return setError('Take a picture first: start the camera or choose an image.');
    if (!name) return;
    setError(undefined);
    try {
      setInfo(await useSessionStore.getState().engine().enroll(name, image));
      setEnrollName('');
      if (!live) show(await useSessionStore.getState().engine().predict(image));
    } catch (e) {
      setError(errorText(e));
    }
  }

  // The box belongs to the picture it was predicted on: none over the empty view.
  const box = prediction?.kind === 'detection' && (live || preview) ? boxRect(prediction.box, 100) : undefined;
  return (
    <div className="tryit" data-testid="tryit.panel" onDragOver={(e) => e.preventDefault()} onDrop={(e) => (e.preventDefault(), void tryFile(e.dataTransfer.files[0]))}>
      <p className="muted" data-testid="tryit.status" role="status">
        {!info && !error && 'Loading model…'}
        {info &&
          (info.task === 'embedding'
            ? `Embedding model · ${info.enrolled.length} people enrolled: ${info.enrolled.join(', ') || 'none yet'}`
            : `${info.task === 'detection' ? 'Tracker' : 'Classifier'} · classes: ${info.classNames.join(', ')}`)}
        {fps !== undefined && ` · ${fps.toFixed(1)} predictions/s`}
      </p>
      {error && <p role="alert">{error}</p>}
      <div className="tryit-body">
        <div className="tryit-view">
          <video ref={video} muted playsInline aria-label="camera preview" hidden={!live} />
          {preview && !live && <img src={preview} alt="the chosen picture" />}
          {!live && !preview && <div className="tryit-empty">Start the camera, or drop or choose an image</div>}
          {box && (
            <svg className="tryit-box" viewBox="0 0 100 100" preserveAspectRatio="none" aria-label="predicted box">
              <rect {...box} />
            </svg>
          )}
          <canvas ref={canvas} hidden />
        </div>
        <div className="tryit-controls">
          <div className="button-row">
            {live ? (
              <button type="button" onClick={stopCamera} data-testid="tryit.camera">
                Stop camera
              </button>
            ) : (
              <button type="button" onClick={() => void startCamera()} disabled={!info} data-testid="tryit.camera">
                Start camera
              </button>
            )}
            <label className="file-button">
              Choose image
              <input
                type="file"
                accept="image/*"
                disabled={!info}
                data-testid="tryit.file"
                onChange={(e) => {
                  void tryFile(e.target.files?.[0]);
                  // Cleared so that choosing the same file again tries it again.
                  e.target.value = '';
                }}
              />
            </label>
          </div>
          {prediction && info && <Result prediction={prediction} info={info} bands={bands} />}
          {info?.task === 'embedding' && (
            <form
              className="tryit-enroll"
              onSubmit={(e) => {
                e.preventDefault();
                void enroll();
              }}
            >
              <label>
                Enroll as
                <input value={enrollName} onChange={(e) => setEnrollName(e.target.value)} placeholder="name" data-testid="tryit.enrollName" />
              </label>
              <button type="submit" disabled={enrollName.trim() === ''} data-testid="tryit.enroll">
                Enroll this picture
              </button>
            </form>
          )}
        </div>
      </div>
    </div>
  );
}
