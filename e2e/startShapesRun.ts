import { expect, type Page } from '@playwright/test';

/** From Home, the shapes recipe at 16 px for `epochs` epochs on WebGPU, started: the quickest real run to act on. */
export async function startShapesRun(page: Page, epochs: number): Promise<void> {
  await page.goto('/');
  await page.getByTestId('home.recipe.shapes').click();
  await expect(page).toHaveURL(/#\/train$/, { timeout: 150_000 });
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  await page.getByTestId('train.field.training.epochs').fill(String(epochs));
  await page.getByTestId('train.field.model.inputSize').fill('16');
  await expect(page.getByTestId('train.problems')).toHaveCount(0);
  await page.getByTestId('train.start').click();
}
