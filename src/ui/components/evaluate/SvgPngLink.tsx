import { downloadBlob } from '../../../store/downloadBlob.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { svgToPng } from '../charts/svgToPng.ts';

/** A "PNG" link that rasterizes a src/report chart, drawn on the page or not. */
export function SvgPngLink({ svg, fileName, label, testId }: { svg: string; fileName: string; label: string; testId: string }) {
  const save = () =>
    void svgToPng(svg)
      .then((png) => downloadBlob(png, `${fileName}.png`))
      .catch((e: unknown) => useSessionStore.getState().notify(e instanceof Error ? e.message : String(e), 'error'));
  return (
    <button type="button" className="link" onClick={save} aria-label={`Save ${label} as PNG`} data-testid={testId}>
      PNG
    </button>
  );
}
