import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from '../helpers/temp-repo.js';
import { isolatedEnv, runLanes, useCliTempFolders } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const addDirs = useCliTempFolders();
let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

/** An agent that never stops writing into its worktree: a tick every 20 ms. */
const TICKER = 'while :; do date +%s%N >> ticks.txt; sleep 0.02; done';

describe('lanes merge --commit-wip through the host', () => {
  it('pauses the lane\'s agent while its work is committed, so a busy agent does not break the commit, then resumes it', async () => {
    repo = await makeTempRepo();
    const { env, home } = await isolatedEnv();
    addDirs(home);
    const made = await runLanes(['new', 'busy', '--cmd', TICKER], { cwd: repo.dir, env });
    expect(made.code, made.stderr).toBe(0);
    const ticks = join(dirname(repo.dir), 'repo.lanes', 'busy', 'ticks.txt');
    await waitFor(() => statSync(ticks, { throwIfNoEntry: false })?.size, 10_000, 'the agent to write');
    const merged = await runLanes(['merge', 'busy', '--commit-wip', '--yes'], { cwd: repo.dir, env });
    expect(merged.code, merged.stderr).toBe(0);
    // The committed ticks are on the base now; the agent runs again (not paused) and goes on ticking.
    expect(await repo.git('show', 'main:ticks.txt')).not.toBe('');
    const size = statSync(ticks).size;
    await waitFor(() => statSync(ticks).size > size, 10_000, 'the agent to tick again');
    const ls = await runLanes(['ls', '--json'], { cwd: repo.dir, env });
    expect((JSON.parse(ls.stdout) as Array<{ status: string }>)[0]?.status).toBe('running');
    expect(readFileSync(ticks, 'utf8').length).toBeGreaterThan(0);
  });
});
