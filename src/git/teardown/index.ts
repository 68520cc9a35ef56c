/** Teardown and restore of lanes (SPEC §7, §8): the entry points the UI and the CLI call. */
export { archiveLane, listArchives, readArchiveMeta, ARCHIVE_PREFIX, type ArchiveEntry, type ArchiveMeta, type ArchiveResult } from './archive.js';
export { assessLoss, mergedTipOf, type AssessInput, type LossReport } from './assess.js';
export { describeLoss } from './describe.js';
export { killLaneProcesses, processesInside, type KillInput, type KillResult } from './kill.js';
export { locateLane, type LaneLocation } from './locate.js';
export { recoverTeardowns } from './recover.js';
export { restoreLane, type RestoreInput } from './restore.js';
export { teardownLane, TEARDOWN_STEPS, type TeardownInput, type TeardownOutcome } from './teardown.js';
