import { expect, test } from '@playwright/test';

test('Models: a card is costed by the engine on demand, and a recipe opens the Train page on its demo data', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/#/models');
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);

  // The cards in view fill in by themselves (issue 25: each read "Cost not estimated yet" until clicked).
  const card = page.getByTestId('models.card.smallCnn');
  await expect(card.getByTestId('models.cost')).toContainText('params');
  // What frozenLayers counts, per architecture (docs/run-spec.md).
  await expect(page.getByTestId('models.card.mobilenetV2').getByTestId('models.blocks')).toContainText('Freezes by block: 19');
  await page.getByTestId('models.inputSize').selectOption('32');
  await page.getByTestId('models.width').selectOption('0.5');
  await page.getByTestId('models.batch').fill('16');
  const cost = card.getByTestId('models.cost');
  await expect(cost).toContainText('params');
  const memory = async () => (await cost.locator('dd').nth(3).textContent()) ?? '';
  const at16 = await memory();

  // A card once asked follows the settings: a larger batch needs more activation memory.
  await page.getByTestId('models.batch').fill('64');
  await expect.poll(memory).not.toBe(at16);

  await page.getByTestId('models.preset.shapes').click();
  await expect(page).toHaveURL(/#\/train$/);
  await page.goto('/#/datasets');
  await expect(page.getByTestId('datasets.row').filter({ hasText: 'Shapes (demo)' }).getByTestId('datasets.sampleCount')).toHaveText('72');
  expect(errors).toEqual([]);
});
