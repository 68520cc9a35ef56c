/**
 * The CSI sequences that move the cursor or erase the watched cell, applied to a CursorTracker
 * (cursor-tracker.mjs). Parameters were collected by the tracker: `t.params` (numbers), `t.marker`
 * (a private marker byte such as "?", or 0) and `t.hasIntermediate`.
 */
export const applyCsi = (t, final) => {
  const params = t.params;
  if (t.marker === 0x3f) {
    if ((final === 0x68 || final === 0x6c) && params.includes(7)) t.isAutowrap = final === 0x68;
    return;
  }
  // SGR and other private or intermediate sequences do not move the cursor.
  if (final === 0x6d || t.marker !== 0 || t.hasIntermediate) return;
  const n = (i, fallback) => (params[i] > 0 ? params[i] : fallback);
  const arg = (i) => params[i] ?? 0;
  const clampRow = (r) => Math.max(0, Math.min(t.rows - 1, r));
  const clampCol = (c) => Math.max(0, Math.min(t.cols - 1, c));
  const watch = t.watch;
  const onRow = watch !== undefined && watch.row === t.row;
  switch (final) {
    case 0x48: // H
    case 0x66: // f
      t.row = clampRow(n(0, 1) - 1);
      t.col = clampCol(n(1, 1) - 1);
      break;
    case 0x41: // A
      t.row = clampRow(t.row - n(0, 1));
      break;
    case 0x42: // B
    case 0x65: // e
      t.row = clampRow(t.row + n(0, 1));
      break;
    case 0x43: // C
    case 0x61: // a
      t.col = clampCol(t.col + n(0, 1));
      break;
    case 0x44: // D
      t.col = clampCol(t.col - n(0, 1));
      break;
    case 0x45: // E
      t.row = clampRow(t.row + n(0, 1));
      t.col = 0;
      break;
    case 0x46: // F
      t.row = clampRow(t.row - n(0, 1));
      t.col = 0;
      break;
    case 0x47: // G
    case 0x60: // `
      t.col = clampCol(n(0, 1) - 1);
      break;
    case 0x64: // d
      t.row = clampRow(n(0, 1) - 1);
      break;
    case 0x72: // r
      t.top = clampRow(n(0, 1) - 1);
      t.bottom = clampRow(n(1, t.rows) - 1);
      t.row = 0;
      t.col = 0;
      break;
    case 0x73: // s
      t.saved = { row: t.row, col: t.col };
      return;
    case 0x75: // u
      t.row = t.saved.row;
      t.col = t.saved.col;
      break;
    case 0x62: // b: repeat the last character
      for (let i = n(0, 1); i > 0; i--) t.print(t.lastChar, 1);
      return;
    case 0x4b: {
      // K: erase in line
      const mode = arg(0);
      if (onRow && (mode === 2 || (mode === 0 && watch.col >= t.col) || (mode === 1 && watch.col <= t.col))) watch.onErase();
      return;
    }
    case 0x58: // X: erase characters
      if (onRow && watch.col >= t.col && watch.col < t.col + n(0, 1)) watch.onErase();
      return;
    case 0x4a: {
      // J: erase in display
      const mode = arg(0);
      if (watch === undefined) return;
      const after = watch.row > t.row || (onRow && watch.col >= t.col);
      const before = watch.row < t.row || (onRow && watch.col <= t.col);
      if (mode >= 2 || (mode === 0 && after) || (mode === 1 && before)) watch.onErase();
      return;
    }
    case 0x50: // P: delete characters
    case 0x40: // @: insert characters
      if (onRow && watch.col >= t.col) watch.onErase();
      return;
    case 0x4c: // L: insert lines
    case 0x4d: // M: delete lines
      if (t.row >= t.top && t.row <= t.bottom) t.scrolled(t.row, t.bottom);
      t.col = 0;
      break;
    case 0x53: // S: scroll up
    case 0x54: // T: scroll down
      t.scrolled(t.top, t.bottom);
      return;
    default:
      return;
  }
  t.isWrapPending = false;
};
