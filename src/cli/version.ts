import { readFileSync } from 'node:fs';

/** The package version, read once from package.json next to dist/ or src/. */
export const version = (): string => {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
};
