import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LanesError } from '../core/errors.js';
import { git, runGit } from '../git/exec.js';
import { SHOP_COMMITS, SHOP_UNTRACKED } from './shop-files.js';

const writeFiles = async (repo: string, files: Readonly<Record<string, string>>): Promise<void> => {
  for (const [path, text] of Object.entries(files)) {
    const target = join(repo, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
  }
};

/** `git init` on branch main, also with a git that predates `init -b` (2.28). */
const initOnMain = async (repo: string): Promise<void> => {
  const withBranch = await runGit(['init', '-q', '-b', 'main'], { cwd: repo });
  if (withBranch.code === 0) return;
  await git(['init', '-q'], { cwd: repo });
  await git(['symbolic-ref', 'HEAD', 'refs/heads/main'], { cwd: repo });
};

/**
 * Create the demo's throwaway repository at `<parentDir>/lanes-demo-<random>/shop`: a tiny Node
 * shop library on branch `main` with two commits, a clean status and an ignored `.env`. The
 * author is set in the repository's own config, and commit signing is off there, so the demo
 * agents can commit whatever the user's global git config says. Returns the repository path.
 */
export const makeDemoRepo = async (parentDir: string): Promise<string> => {
  let root: string;
  try {
    root = await mkdtemp(join(parentDir, 'lanes-demo-'));
  } catch (error) {
    throw new LanesError(`cannot create the demo folder in ${parentDir}`, { cause: error });
  }
  const repo = join(root, 'shop');
  try {
    await mkdir(repo);
    await initOnMain(repo);
    await git(['config', 'user.name', 'Lanes Demo'], { cwd: repo });
    await git(['config', 'user.email', 'demo@lanes.invalid'], { cwd: repo });
    await git(['config', 'commit.gpgsign', 'false'], { cwd: repo });
    for (const commit of SHOP_COMMITS) {
      await writeFiles(repo, commit.files);
      await git(['add', '--', ...Object.keys(commit.files)], { cwd: repo });
      await git(['commit', '-q', '--no-verify', '-m', commit.message], { cwd: repo });
    }
    await writeFiles(repo, SHOP_UNTRACKED);
    return repo;
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw new LanesError('cannot create the demo repository', { cause: error, hint: messageOf(error) });
  }
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
