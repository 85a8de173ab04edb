// Builds the agent into one file the server serves at /agent/vigil-agent.mjs: node scripts/build-agent.mjs
import { build } from 'esbuild';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  entryPoints: [`${root}src/agent/main.ts`],
  outfile: `${root}dist/agent/vigil-agent.mjs`,
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'esm',
  // Whitespace and syntax only (names stay readable in stack traces). V8 keeps the whole bundle's
  // source in the heap for the life of the process, and one non-Latin-1 character (comments carry
  // some) makes it UTF-16: 2.6 MB of source became 5.1 MB of heap. Minified it is ASCII and smaller.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  legalComments: 'none',
  // ws loads these optional native helpers with require() in try/catch.
  external: ['bufferutil', 'utf-8-validate'],
  // CommonJS dependencies (ws, commander) call require() for Node built-ins.
  banner: { js: "import { createRequire as __vigilCreateRequire } from 'node:module';\nconst require = __vigilCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
