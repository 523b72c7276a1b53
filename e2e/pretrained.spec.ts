import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { writeSafetensors } from '../src/core/pretrained/safetensors.ts';
import { torchReference } from '../test/torchReference.ts';
import { reloadOffline } from './reloadOffline.ts';

/** Weight files this origin keeps in IndexedDB (the weight cache), read the way the studio stores them. */
function keptWeightFiles(page: Page): Promise<number> {
  // A string: the e2e files are type-checked without the DOM's types.
  return page.evaluate(`new Promise((resolve, reject) => {
    const open = indexedDB.open('webgpu-training-studio');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const count = db.transaction('weightFiles').objectStore('weightFiles').count();
      count.onsuccess = () => { db.close(); resolve(count.result); };
      count.onerror = () => reject(count.error);
    };
  })`);
}

/** Drops `bytes` as a file named `name` on a drop zone, as a person dragging it from their desktop would. */
async function dropFile(page: Page, testId: string, name: string, bytes: Uint8Array): Promise<void> {
  const transfer = await page.evaluateHandle(`(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(${JSON.stringify([...bytes])})], ${JSON.stringify(name)}));
    return dt;
  })()`);
  await page.getByTestId(testId).dispatchEvent('drop', { dataTransfer: transfer });
}

// A PyTorch-made MobileNetV2 (torchvision's names; test/reference/torchvision_parity.py with
// seeded random weights, run once by Debian's python3-torch and kept in the temp folder) as a
// pretrained start in the Train form: a file for another architecture is refused in one
// sentence with nothing kept, the real file's load report shows, a head trains on the frozen
// backbone's features computed once, and the model is evaluated and tried.
test('pretrained start: drop a PyTorch safetensors file, see its load report, train a head on frozen features, evaluate, Try it', async ({ page }) => {
  test.setTimeout(480_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const mobilenet = torchReference({ arch: 'mobilenetV2', size: 64 });
  const weights = readFileSync(`${mobilenet.dir}/weights.safetensors`);

  await page.goto('/');
  await page.getByTestId('home.recipe.shapes').click();
  await expect(page).toHaveURL(/#\/train$/);
  // After "Use this recipe" the picker names the recipe (issue 27).
  await expect(page.getByTestId('train.preset')).toHaveValue('shapes');
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);

  await page.getByTestId('train.field.model.architecture').selectOption('mobilenetV2');
  await page.getByTestId('train.field.model.width').fill('1');
  await page.getByTestId('train.weights.choice').selectOption('file');

  // A file made for another network (MobileNetV3's names, written here by the studio's own
  // safetensors writer): refused in one sentence, the draft unchanged, nothing kept.
  const foreign = writeSafetensors([
    { name: 'features.0.0.weight', shape: [16, 3, 3, 3], data: new Float32Array(16 * 27) },
    { name: 'features.1.block.0.0.weight', shape: [16, 1, 3, 3], data: new Float32Array(16 * 9) },
  ]);
  await dropFile(page, 'train.weights.drop', 'mobilenet_v3_small.safetensors', foreign);
  const problem = page.getByTestId('train.weights.problem');
  await expect(problem).toContainText("these weights are not for mobilenetV2 with torchvision's names");
  await expect(problem).toContainText('The draft was not changed and nothing was kept.');
  await expect(page.getByTestId('train.weights.report')).toHaveCount(0);
  expect(await keptWeightFiles(page)).toBe(0);

  // A damaged file: refused whole.
  await dropFile(page, 'train.weights.drop', 'cut.safetensors', weights.subarray(0, 5000));
  await expect(problem).toContainText('“cut.safetensors” is not a safetensors file the studio can read');
  expect(await keptWeightFiles(page)).toBe(0);

  // The real file, chosen with the picker: the load report names what loaded and what stays fresh and why.
  await page.getByTestId('train.weights.file').setInputFiles({ name: 'mobilenet_v2.safetensors', mimeType: 'application/octet-stream', buffer: weights });
  const report = page.getByTestId('train.weights.report');
  await expect(report).toContainText(/loaded \d+ tensors into mobilenetV2 \(torchvision names\)/, { timeout: 60_000 });
  await expect(report).toContainText('left fresh: logits — new head');
  await expect(report).toContainText("new head: the file's classifier.1.weight is [1000, 1280], this model needs [3, 1280]");
  await expect(report).toContainText("preprocessing → ImageNet's mean and std (RGB)");
  await expect(problem).toHaveCount(0);
  expect(await keptWeightFiles(page)).toBe(1);

  // Another architecture under the same weights: checked again, refused, and Start waits.
  await page.getByTestId('train.field.model.architecture').selectOption('resnet18');
  await expect(report).toContainText("These weights do not load into this model: checking the initial weights failed: these weights are not for resnet18 with torchvision's names", { timeout: 60_000 });
  await expect(page.getByTestId('train.start')).toBeDisabled();
  await expect(page.getByTestId('train.start')).toHaveAttribute('title', 'The initial weights do not load into this model: choose others, or random.');
  await page.getByTestId('train.field.model.architecture').selectOption('mobilenetV2');
  await expect(report).toContainText(/loaded \d+ tensors into mobilenetV2/, { timeout: 60_000 });

  // frozenLayers is a form field whose range is checked before start.
  const frozen = page.getByTestId('train.field.model.frozenLayers');
  await frozen.fill('20');
  await expect(page.getByTestId('train.problems')).toContainText('mobilenetV2 has 19 blocks');
  await expect(page.getByTestId('train.start')).toBeDisabled();
  await frozen.fill('19');
  // No augmentation: with the whole backbone frozen, its features are computed once.
  await page.getByTestId('train.field.data.augmentation.flip').uncheck();
  await page.getByTestId('train.field.training.epochs').fill('3');
  await page.getByTestId('train.field.optimizer.lr').fill('0.01');
  await expect(page.getByTestId('train.problems')).toHaveCount(0);

  // The draft and its report survive a reload: the file is read from this browser's cache.
  await page.reload();
  await expect(page.getByTestId('train.weights.choice')).toHaveValue('file');
  await expect(page.getByTestId('train.weights.report')).toContainText(/loaded \d+ tensors into mobilenetV2/, { timeout: 60_000 });

  await page.getByTestId('train.start').click();
  const progress = page.getByTestId('train.progress');
  await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 300_000 });
  await expect(page.getByTestId('train.cachedFeatures')).toContainText('The backbone is frozen whole');
  await expect(page.getByTestId('train.runWeights')).toContainText(/Started from pretrained weights: loaded \d+ tensors into mobilenetV2/);

  await page.getByTestId('train.evaluate').click();
  await expect(page.getByTestId('evaluate.status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('evaluate.top1')).toHaveAttribute('data-value', /^(0|1|0\.\d+)$/);

  await page.getByTestId('evaluate.tryit').click();
  await expect(page.getByTestId('tryit.status')).toContainText('Classifier · classes: circle', { timeout: 60_000 });
  await page.getByTestId('tryit.file').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: await sharp({ create: { width: 40, height: 30, channels: 3, background: '#d22' } }).png().toBuffer() });
  await expect(page.getByTestId('tryit.result')).toHaveAttribute('data-top-class', /^(circle|square|triangle)$/);

  // Another recipe from the Train page's picker: it names the recipe, the shown run follows the new draft (issue 27).
  await page.getByTestId('nav.train').click();
  await page.getByTestId('train.preset').selectOption('002-transfer');
  await expect(page.getByTestId('train.preset')).toHaveValue('002-transfer');
  await expect(page.getByTestId('train.focusRun')).toHaveValue('');
  expect(errors).toEqual([]);
});

// A URL: downloaded with its progress and size, kept by content; the second time no request is made.
test('pretrained start from a URL: progress, kept in IndexedDB, no second download', async ({ page }) => {
  test.setTimeout(240_000);
  const weights = readFileSync(`${torchReference({ arch: 'mobilenetV2', size: 64 }).dir}/weights.safetensors`);
  const url = 'https://huggingface.co/timm/mobilenet-test/resolve/main/model.safetensors';
  let requests = 0;
  // The Hub cannot be reached from here: the same URL layout is served by the test.
  await page.route(url, (route) => {
    requests++;
    return route.fulfill({ status: 200, body: weights, headers: { 'content-type': 'application/octet-stream', 'content-length': String(weights.length), 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' } });
  });
  await page.goto('/');
  await page.getByTestId('home.recipe.shapes').click();
  await expect(page).toHaveURL(/#\/train$/);
  await page.getByTestId('train.field.model.architecture').selectOption('mobilenetV2');
  await page.getByTestId('train.field.model.width').fill('1');
  await page.getByTestId('train.weights.choice').selectOption('url');
  await page.getByTestId('train.weights.url').fill(url);
  await page.getByTestId('train.weights.fetch').click();
  await expect(page.getByTestId('train.weights.report')).toContainText(/loaded \d+ tensors into mobilenetV2/, { timeout: 60_000 });
  expect(requests).toBe(1);
  expect(await keptWeightFiles(page)).toBe(1);

  // Offline: the file kept in this browser starts the draft again without a request.
  await page.unroute(url);
  await page.route(url, (route) => route.abort('internetdisconnected'));
  await page.getByTestId('train.weights.choice').selectOption('random');
  await expect(page.getByTestId('train.weights.report')).toHaveCount(0);
  await page.getByTestId('train.weights.choice').selectOption('kept');
  await page.getByTestId('train.weights.kept').selectOption({ index: 1 });
  await expect(page.getByTestId('train.weights.report')).toContainText(/loaded \d+ tensors into mobilenetV2/, { timeout: 60_000 });
  expect(requests).toBe(1);
});

// A recipe from ImageNet weights (issue 22): the Home card downloads the catalogue's file (the
// Hub cannot be reached from here, so its URL serves a PyTorch-made MobileNetV2 under timm's
// names, test/reference/torchvision_parity.py --names timm), the Train page's draft freezes the
// whole backbone and the head trains on its features; without network the ResNet-18 card says
// why in plain words and offers the recipe from scratch, and VGG-16's says there is no file to read.
test('a recipe from ImageNet weights: the Home card downloads them, the head trains on frozen features; offline it says so and offers the recipe from scratch', async ({ page }) => {
  test.setTimeout(420_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const timm = readFileSync(`${torchReference({ arch: 'mobilenetV2', size: 64, names: 'timm' }).dir}/weights.safetensors`);
  const mobilenetUrl = 'https://huggingface.co/timm/mobilenetv2_100.ra_in1k/resolve/main/model.safetensors';
  const resnetUrl = 'https://huggingface.co/timm/resnet18.tv_in1k/resolve/main/model.safetensors';
  let requests = 0;
  await page.route(mobilenetUrl, (route) => {
    requests++;
    return route.fulfill({ status: 200, body: timm, headers: { 'content-type': 'application/octet-stream', 'content-length': String(timm.length), 'access-control-allow-origin': '*' } });
  });
  await page.route(resnetUrl, (route) => route.abort('internetdisconnected'));

  await page.goto('/');
  await expect(page.getByTestId('imagenet.unavailable.001-tracker')).toContainText("vgg16's ImageNet weights are published only as a PyTorch .pth");
  await expect(page.getByTestId('imagenet.004-expression')).toHaveCount(0);

  // No network for ResNet-18's file: said plainly, nothing changed, the recipe offered from scratch.
  await page.getByTestId('imagenet.start.002-transfer-resnet18').click();
  const failed = page.getByTestId('imagenet.failed.002-transfer-resnet18');
  await expect(failed).toContainText('The ImageNet weights could not be used: huggingface.co could not be reached', { timeout: 60_000 });
  await expect(failed).toContainText('nothing was kept');
  expect(await keptWeightFiles(page)).toBe(0);
  await page.getByTestId('imagenet.fromScratch.002-transfer-resnet18').click();
  await expect(page).toHaveURL(/#\/train$/);
  await expect(page.getByTestId('train.preset')).toHaveValue('002-transfer-resnet18');
  await expect(page.getByTestId('train.field.model.width')).toHaveValue('0.25');
  await expect(page.getByTestId('train.weights.choice')).toHaveValue('random');

  // MobileNetV2 from timm's file: downloaded once, read under timm's names, the backbone frozen whole.
  await page.getByTestId('nav.home').click();
  await page.getByTestId('imagenet.start.002-transfer').click();
  await expect(page).toHaveURL(/#\/train$/, { timeout: 120_000 });
  expect(requests).toBe(1);
  expect(await keptWeightFiles(page)).toBe(1);
  await expect(page.getByTestId('train.field.model.width')).toHaveValue('1');
  await expect(page.getByTestId('train.field.model.frozenLayers')).toHaveValue('19');
  await expect(page.getByTestId('train.weights.report')).toContainText(/loaded \d+ tensors into mobilenetV2 \(timm names\)/, { timeout: 60_000 });
  await page.getByTestId('train.field.training.epochs').fill('3');
  await page.getByTestId('train.start').click();
  await expect(page.getByTestId('train.progress')).toHaveAttribute('data-status', /completed/, { timeout: 300_000 });
  await expect(page.getByTestId('train.cachedFeatures')).toContainText('The backbone is frozen whole');
  await expect(page.getByTestId('train.runWeights')).toContainText(/Started from pretrained weights: loaded \d+ tensors into mobilenetV2 \(timm names\)/);

  // The second time the card needs no network: the kept file is used.
  await page.unroute(mobilenetUrl);
  await page.route(mobilenetUrl, (route) => route.abort('internetdisconnected'));
  await page.getByTestId('nav.home').click();
  await page.getByTestId('imagenet.start.002-transfer').click();
  await expect(page).toHaveURL(/#\/train$/, { timeout: 120_000 });
  await expect(page.getByTestId('train.weights.report')).toContainText(/loaded \d+ tensors into mobilenetV2/, { timeout: 60_000 });
  expect(errors).toEqual([]);
});

// The shipped face model: face-api's weights are files of the build, which the service worker
// caches, so the Models page's "Start from face-api's weights" loads them with no network.
test("face-api's shipped weights load offline: the Models page starts a draft from each network and the load report shows", async ({ context, page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  await reloadOffline(page, context);
  await page.getByTestId('nav.models').click();
  const card = page.getByTestId('models.card.faceRecognitionNet');
  await card.getByTestId('models.pretrained').locator('summary').click();
  await expect(card.getByTestId('models.pretrained.checked')).toHaveText('shipped · offline');
  await expect(page.getByTestId('models.card.resnet18').getByTestId('models.pretrained.checked')).toHaveText('checked by name only');
  await card.getByTestId('models.useShipped').click();
  await expect(page).toHaveURL(/#\/train$/);
  await expect(page.getByTestId('train.weights.choice')).toHaveValue('faceApi');
  // 117: every weight of face-api's manifest (counted from its JSON); the head is the studio's own.
  await expect(page.getByTestId('train.weights.report')).toContainText('loaded 117 tensors into faceRecognitionNet (face-api names)', { timeout: 60_000 });
  // The expression network (recipe 004's start), offline too: its backbone's 47 tensors, the head the studio's own.
  await page.getByTestId('nav.models').click();
  const expression = page.getByTestId('models.card.faceExpressionNet');
  await expression.getByTestId('models.useShipped').click();
  await expect(page).toHaveURL(/#\/train$/);
  await expect(page.getByTestId('train.weights.choice')).toHaveValue('faceApi');
  const report = page.getByTestId('train.weights.report');
  await expect(report).toContainText('loaded 47 tensors into faceExpressionNet (face-api names)', { timeout: 60_000 });
  await expect(report).toContainText("left fresh: logits — the studio's own head");
  // No dataset is chosen yet, so the draft has a problem; the model's fields still show the defaults a run would take.
  const frozen = page.getByTestId('train.field.model.frozenLayers');
  await expect(frozen).toHaveValue('');
  await expect(frozen).toHaveAttribute('placeholder', '0');
  await context.setOffline(false);
  expect(errors).toEqual([]);
});
