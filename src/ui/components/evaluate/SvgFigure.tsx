import { downloadBlob } from '../../../store/downloadBlob.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { svgToPng } from './svgToPng.ts';

/**
 * A chart drawn by src/report (a self-contained SVG string, the same one the HTML report
 * embeds), shown in the page with a button that saves it as PNG.
 */
export function SvgFigure({ svg, testId, fileName, caption }: { svg: string; testId: string; fileName: string; caption: string }) {
  const save = () =>
    void svgToPng(svg)
      .then((png) => downloadBlob(png, `${fileName}.png`))
      .catch((e: unknown) => useSessionStore.getState().notify(e instanceof Error ? e.message : String(e), 'error'));
  return (
    <figure className="eval-figure" data-testid={testId}>
      {/* The SVG comes from src/report, which escapes every user-provided string it draws. */}
      <div className="eval-figure-svg" dangerouslySetInnerHTML={{ __html: svg }} />
      <figcaption>
        {caption}{' '}
        <button type="button" className="link" onClick={save} aria-label={`Save ${caption} as PNG`} data-testid={`${testId}.png`}>
          PNG
        </button>
      </figcaption>
    </figure>
  );
}
