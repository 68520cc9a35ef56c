/** Paths touched by two or more lanes, each with the names of the lanes that touch it (sorted). */
export const overlapsOf = (touched: ReadonlyMap<string, readonly string[]>): Map<string, string[]> => {
  const byPath = new Map<string, string[]>();
  for (const [lane, paths] of touched) {
    for (const path of paths) {
      const lanes = byPath.get(path);
      if (lanes) lanes.push(lane);
      else byPath.set(path, [lane]);
    }
  }
  const result = new Map<string, string[]>();
  for (const [path, lanes] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (lanes.length > 1) result.set(path, [...lanes].sort());
  }
  return result;
};
