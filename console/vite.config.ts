import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const consoleRoot = fileURLToPath(new URL('.', import.meta.url));
const distConsole = fileURLToPath(new URL('../dist/console', import.meta.url));

// Vite needs a default export for its config file.
export default defineConfig({
  root: consoleRoot,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: distConsole,
    emptyOutDir: true,
    // antd is large even when split per page; the warning would only repeat that.
    chunkSizeWarningLimit: 1200,
  },
});
