import { fileURLToPath } from 'node:url';

/** `bin/stormwatch`, the same file from `src/` (tests) and `dist/` (the CLI). */
export const BIN = fileURLToPath(new URL('../../../bin/stormwatch', import.meta.url));
