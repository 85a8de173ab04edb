#!/usr/bin/env node
// Entry point of the built CLI (npm run build produces dist/).
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('vigil: not built yet — run `npm run build` first (scripts/run.sh does it for you).');
    process.exit(1);
  }
  throw err;
});
