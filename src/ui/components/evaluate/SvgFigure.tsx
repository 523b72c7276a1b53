import { SvgPngLink } from './SvgPngLink.tsx';

/**
 * A chart drawn by src/report (a self-contained SVG string, the same one the HTML report
 * embeds), shown in the page with a button that saves it as PNG.
 */
export function SvgFigure({ svg, testId, fileName, caption }: { svg: string; testId: string; fileName: string; caption: string }) {
  return (
    <figure className="eval-figure" data-testid={testId}>
      {/* The SVG comes from src/report, which escapes every user-provided string it draws. */}
      <div className="eval-figure-svg" dangerouslySetInnerHTML={{ __html: svg }} />
      <figcaption>
        {caption} <SvgPngLink svg={svg} fileName={fileName} label={caption} testId={`${testId}.png`} />
      </figcaption>
    </figure>
  );
}
