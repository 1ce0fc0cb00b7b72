// The one global the type-check program uses beyond ES2022, for the run without lib.dom (types.test.mjs).
declare var console: { log(...args: unknown[]): void; warn(...args: unknown[]): void };
