/**
 * Checks on merged configuration values that a schema cannot express. Each returns what is wrong
 * in words, or undefined when the value is fine. Pure.
 */

/**
 * Whether `prefix` can start a branch name: `<prefix><lane name>` must pass
 * `git check-ref-format --branch` for every valid lane name (which starts with a letter or digit).
 */
export const branchPrefixProblem = (prefix: string): string | undefined => {
  if (/[\x00-\x20\x7f]/.test(prefix)) return 'no spaces or control characters';
  const bad = /[~^:?*[\\]/.exec(prefix);
  if (bad) return `no '${bad[0]}'`;
  if (prefix.includes('..')) return "no '..'";
  if (prefix.includes('@{')) return "no '@{'";
  if (prefix.startsWith('-')) return "must not start with '-'";
  if (prefix.startsWith('/')) return "must not start with '/'";
  if (prefix.includes('//')) return "no '//'";
  const components = prefix.split('/');
  // The last component continues with the lane name, so only complete components are checked
  // for a trailing `.lock`; every component, the last included, must not start with '.'.
  if (components.some((component) => component.startsWith('.'))) return "no part may start with '.'";
  if (components.slice(0, -1).some((component) => component.endsWith('.lock'))) return "no part may end with '.lock'";
  return undefined;
};

const PLACEHOLDERS = ['repo', 'repoParent', 'name'];

/** `worktreeDir` must put every lane in its own folder and use only known placeholders. */
export const worktreeDirProblem = (template: string): string | undefined => {
  // A `..` part could climb anywhere (even into ~/.config/git, where git would read its hooks).
  if (template.split('/').includes('..')) return "no '..' part (a lane's folder must stay where the template names it)";
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    const placeholder = match[1] ?? '';
    if (!PLACEHOLDERS.includes(placeholder)) {
      return `unknown placeholder {${placeholder}} (use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`;
    }
  }
  if (!template.includes('{name}')) return 'must contain {name} so every lane gets its own folder';
  return undefined;
};
