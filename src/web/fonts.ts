import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Folders holding the self-hosted woff2 files, served under /assets/fonts/. */
export const FONT_DIRECTORIES = ['@fontsource/noto-naskh-arabic', '@fontsource/noto-sans-arabic'].map((name) =>
  path.join(path.dirname(require.resolve(`${name}/package.json`)), 'files'),
);
