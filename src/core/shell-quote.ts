/**
 * Quote a path or word for a command line the user may paste into a POSIX shell: single quotes,
 * with embedded single quotes written as '\''. Plain words are left as they are.
 */
export const shellQuote = (word: string): string =>
  /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
