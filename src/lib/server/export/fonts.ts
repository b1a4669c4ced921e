import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** DejaVu ships with the app (npm package), so reports render every script the same on any host. */
export const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
export const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
