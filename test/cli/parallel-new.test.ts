import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTempRepo } from '../helpers/temp-repo.js';
import { isolatedEnv, runLanes, useCliTempFolders } from '../helpers/run-cli.js';

const removeLater = useCliTempFolders();
const WRITER = fileURLToPath(new URL('../helpers/state-writer.mjs', import.meta.url));
const LANES = 20;

describe('parallel lane creation beside a UI (issue 7 items 7 and smaller)', () => {
  it(`${LANES} lanes new at once while a UI keeps writing the state: every one is created`, async () => {
    const repo = await makeTempRepo();
    const { env, home } = await isolatedEnv();
    removeLater(dirname(repo.dir), home);
    const stop = join(home, 'stop');
    // 150 ms per write: a UI on a loaded machine; the creators queue behind it and each other.
    const writer = spawn(process.execPath, [WRITER, repo.dir, stop, '150'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let writes = '';
    writer.stdout.setEncoding('utf8').on('data', (chunk: string) => (writes += chunk));
    const writerDone = new Promise((resolve) => writer.on('exit', resolve));
    try {
      const results = await Promise.all(
        Array.from({ length: LANES }, (_, index) => runLanes(['new', `l${index}`, '--cmd', 'true'], { cwd: repo.dir, env, timeoutMs: 80_000 })),
      );
      const failed = results.filter((result) => result.code !== 0).map((result) => result.stderr.trim());
      expect(failed).toEqual([]);
    } finally {
      await writeFile(stop, '');
      await writerDone;
    }
    expect(Number(writes)).toBeGreaterThan(0);
    const listed = (await repo.git('for-each-ref', '--format=%(refname)', 'refs/heads/lanes/')).split('\n').filter(Boolean);
    expect(listed).toHaveLength(LANES);
    const ls = await runLanes(['ls', '--json'], { cwd: repo.dir, env });
    expect((JSON.parse(ls.stdout) as unknown[]).length).toBe(LANES);
  });
});
