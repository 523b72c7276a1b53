import { useEffect, useState } from 'react';
import { useCompanionStore } from '../store/companionStore.ts';
import { inProgressStatuses, useRunsStore } from '../store/runsStore.ts';
import { pageFromHash, useSessionStore, type PageId } from '../store/sessionStore.ts';
import { usePresenterStore } from '../store/presenterStore.ts';
import { PresenterView } from './components/classroom/PresenterView.tsx';
import { ShortcutsDialog } from './components/common/ShortcutsDialog.tsx';
import { StatusStrip } from './components/common/StatusStrip.tsx';
import { Toasts } from './components/common/Toasts.tsx';
import { DatasetsPage } from './pages/DatasetsPage.tsx';
import { EvaluatePage } from './pages/EvaluatePage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { ModelsPage } from './pages/ModelsPage.tsx';
import { RunsPage } from './pages/RunsPage.tsx';
import { TrainPage } from './pages/TrainPage.tsx';

const nav: { id: PageId; title: string }[] = [
  { id: 'home', title: 'Home' },
  { id: 'datasets', title: 'Datasets' },
  { id: 'models', title: 'Models' },
  { id: 'train', title: 'Train' },
  { id: 'runs', title: 'Runs' },
  { id: 'evaluate', title: 'Evaluate' },
];

/** Keys typed here belong to the control, not to the studio's shortcuts. */
function isInteractive(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A'].includes(target.tagName);
}

/** Space pauses or resumes the run in progress. */
function togglePause(): void {
  const { runs, activeRunId, pause, resume } = useRunsStore.getState();
  const run = runs.find((r) => r.id === activeRunId && inProgressStatuses.has(r.status));
  if (run?.status === 'running') pause(run.id);
  else if (run?.status === 'paused') resume(run.id);
}

/** The studio shell: top nav, status strip, the page, notifications and keyboard shortcuts. */
export function App() {
  const page = useSessionStore((s) => s.page);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const presenting = usePresenterStore((s) => s.open);

  useEffect(() => {
    const session = useSessionStore.getState();
    session.engine();
    void session.refreshStorage();
    // Remote runs still in progress are followed again once the runs are loaded.
    void useRunsStore
      .getState()
      .start()
      .then(() => (useCompanionStore.getState().token ? useCompanionStore.getState().resumeMirrors() : undefined));
    const onHash = () => useSessionStore.getState().navigate(pageFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isInteractive(e.target)) return;
      if (e.key === 'p' || e.key === 'P') {
        usePresenterStore.getState().present();
      } else if (e.key === ' ') {
        e.preventDefault();
        togglePause();
      } else if (e.key === '?') {
        setShortcutsOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <header className="app-header">
        <h1>
          <a href="#/home">WebGPU Training Studio</a>
        </h1>
        <nav aria-label="Pages">
          {nav.map((item) => (
            <a key={item.id} href={`#/${item.id}`} data-testid={`nav.${item.id}`} aria-current={page === item.id ? 'page' : undefined}>
              {item.title}
            </a>
          ))}
        </nav>
        <button type="button" className="link shortcuts-button" aria-label="Keyboard shortcuts" onClick={() => setShortcutsOpen(true)}>
          ?
        </button>
      </header>
      <StatusStrip />
      <main className="page" aria-label={nav.find((n) => n.id === page)?.title}>
        {page === 'home' && <HomePage />}
        {page === 'datasets' && <DatasetsPage />}
        {page === 'models' && <ModelsPage />}
        {page === 'train' && <TrainPage />}
        {page === 'runs' && <RunsPage />}
        {page === 'evaluate' && <EvaluatePage />}
      </main>
      <Toasts />
      {shortcutsOpen && <ShortcutsDialog onClose={() => setShortcutsOpen(false)} />}
      {presenting && <PresenterView />}
    </div>
  );
}
