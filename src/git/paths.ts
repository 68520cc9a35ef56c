import { join, resolve } from 'node:path';
import { worktreePathFor } from '../core/names.js';
import type { Repo } from './repo.js';

/** The built-in `worktreeDir`: next to the repository, so the main checkout never looks dirty. */
export const DEFAULT_WORKTREE_TEMPLATE = '{repoParent}/{repo}.lanes/{name}';

/** Folder of lanes' own files inside the common dir: state, locks (SPEC §1). */
export const stateDir = (repo: Repo): string => join(repo.commonDir, 'lanes');

/**
 * Absolute worktree path of lane `name` from a `worktreeDir` template; a relative result is
 * resolved against the folder that contains the repository.
 */
export const resolveWorktreePath = (repo: Repo, template: string, name: string): string =>
  resolve(repo.parent, worktreePathFor(template, { repo: repo.name, repoParent: repo.parent, name }));
