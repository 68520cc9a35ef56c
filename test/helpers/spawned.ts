import type { ChildProcess } from 'node:child_process';

/** SIGKILL each child's whole process group (it was spawned detached), or the child alone; empties the list. */
export const killSpawnedGroups = (children: ChildProcess[]): void => {
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
};
