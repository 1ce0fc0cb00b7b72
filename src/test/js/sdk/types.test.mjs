// The TypeScript declarations compile and describe the surface as sdk-v1.md uses it (tsc --strict).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const usage = fileURLToPath(new URL('./types/usage.ts', import.meta.url));

test('omnicontext.d.ts type-checks a program that uses the whole surface', { timeout: 120000 }, async () => {
  const args = [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--lib', 'es2022,dom', '--skipLibCheck', 'false', usage];
  const { code, output } = await new Promise((resolve) => {
    execFile(process.execPath, args, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, output: stdout + stderr }));
  });
  assert.equal(code, 0, output);
});
