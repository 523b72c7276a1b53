import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const npm = (args: string[], cwd: string) => spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'warn' } });

// .npmrc keeps onnxruntime-node (a devDependency, for checking ONNX exports) from downloading
// its CUDA libraries at install; issue 25 found every npm command warning about how it did.
describe('.npmrc', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'npmrc-test-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('holds only settings npm knows: no npm command warns about it', () => {
    const out = npm(['pkg', 'get', 'name'], root);
    expect(out.status).toBe(0);
    expect(out.stderr).not.toMatch(/Unknown (project|env|user|global) config/);
  });

  it("keeps a dependency's install script from running (onnxruntime-node's postinstall downloads CUDA)", () => {
    // A package whose postinstall leaves a mark, installed offline from a folder with this .npmrc.
    const dep = join(scratch, 'marks');
    mkdirSync(dep);
    writeFileSync(join(dep, 'package.json'), JSON.stringify({ name: 'marks', version: '1.0.0', scripts: { postinstall: 'node -e "require(\'fs\').writeFileSync(\'../../ran\', \'\')"' } }));
    const app = join(scratch, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: { marks: 'file:../marks' } }));
    writeFileSync(join(app, '.npmrc'), readFileSync(join(root, '.npmrc')));
    const out = npm(['install', '--offline', '--no-audit', '--no-fund', '--install-links'], app);
    expect(out.status, out.stderr).toBe(0);
    expect(existsSync(join(app, 'node_modules', 'marks', 'package.json'))).toBe(true);
    expect(existsSync(join(app, 'ran'))).toBe(false);
  });
});
