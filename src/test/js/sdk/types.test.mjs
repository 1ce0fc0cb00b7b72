// The TypeScript declarations compile and describe the surface as sdk-v1.md uses it (tsc --strict).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const usage = fileURLToPath(new URL('./types/usage.ts', import.meta.url));
const consoleOnly = fileURLToPath(new URL('./types/console-only.d.ts', import.meta.url));

function typeCheck(lib, files) {
  const args = [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--lib', lib, '--skipLibCheck', 'false', ...files];
  return new Promise((resolve) => {
    execFile(process.execPath, args, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, output: stdout + stderr }));
  });
}

test('omnicontext.d.ts type-checks a program that uses the whole surface', { timeout: 120000 }, async () => {
  const { code, output } = await typeCheck('es2022,dom', [usage]);
  assert.equal(code, 0, output);
});

// Guards "no DOM in the core": a Node or React Native project without lib.dom (nor @types/node) must compile
// against the declarations; the program gets a console of its own and nothing else.
test('omnicontext.d.ts type-checks without the DOM lib', { timeout: 120000 }, async () => {
  const { code, output } = await typeCheck('es2022', [consoleOnly, usage]);
  assert.equal(code, 0, output);
});
