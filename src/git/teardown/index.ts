export { archiveLane, listArchives, readArchiveMeta, ARCHIVE_PREFIX, type ArchiveEntry, type ArchiveMeta, type ArchiveResult } from './archive.js';
export { assessLoss, mergedTipOf, type AssessInput, type LossReport } from './assess.js';
export { describeLoss } from './describe.js';
export { killLaneProcesses, processesInside, type KillInput, type KillResult } from './kill.js';
export { locateLane, type LaneLocation } from './locate.js';
export { teardownLane, TEARDOWN_STEPS, type TeardownInput, type TeardownOutcome } from './teardown.js';
