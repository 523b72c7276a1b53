import type { BrowserContext, Page } from '@playwright/test';

/**
 * After a first visit, waits until the studio's service worker controls the page (the whole
 * build is cached by then), cuts the network and reloads: the studio as an offline classroom
 * opens it.
 */
export async function reloadOffline(page: Page, context: BrowserContext): Promise<void> {
  // A string: the e2e project compiles without DOM types.
  await page.evaluate(`(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  })()`);
  await context.setOffline(true);
  await page.reload();
}
