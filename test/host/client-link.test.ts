import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScreenFrame } from '../../src/core/screen.js';
import { ClientLink, scrollOf } from '../../src/host/client-link.js';
import type { LocalHost } from '../../src/host/local-host.js';
import { FrameDecoder } from '../../src/protocol/framing.js';
import type { FrameMessage, HostMessage, TerminalInfo } from '../../src/protocol/messages.js';
import type { TerminalModes } from '../../src/term/types.js';

const MODES: TerminalModes = { bracketedPaste: false, applicationCursorKeys: false, mouseTracking: 'none', isAlternateScreen: false, isSynchronizedOutput: false };

/** Screens the link reads, as the lanes host's terminals would give them: rows change on `print`. */
class Screens {
  private readonly frames = new Map<string, ScreenFrame>();

  print(lane: string, rows: string[]): void {
    this.frames.set(lane, { cols: 8, rows: rows.length, lines: rows, cursor: { x: 0, y: 0, visible: true }, scrollOffset: 0, historyRows: 0, isAlternateScreen: false });
  }

  frame(lane: string): ScreenFrame | undefined {
    return this.frames.get(lane);
  }

  modes(lane: string): TerminalModes | undefined {
    return this.frames.has(lane) ? MODES : undefined;
  }

  info(lane: string): TerminalInfo {
    return { id: lane, state: 'running', isPaused: false, command: 'x', cwd: '/', startedAt: 0, promptDelivered: true, bracketedPaste: false, cols: 8, rows: 3 };
  }
}

/** A socket that records each write as the messages it holds. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  writableLength = 0;
  readonly writes: HostMessage[][] = [];
  private readonly decoder = new FrameDecoder();

  write(data: Buffer): boolean {
    this.writes.push(this.decoder.push(data) as HostMessage[]);
    return true;
  }

  frames(lane: string): FrameMessage[] {
    return this.writes.flat().filter((m): m is FrameMessage => m.t === 'frame' && m.lane === lane);
  }
}

let screens: Screens;
let socket: FakeSocket;
let link: ClientLink;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date'] });
  screens = new Screens();
  socket = new FakeSocket();
  link = new ClientLink(socket as unknown as Socket, screens as unknown as LocalHost);
  link.hello = { t: 'hello', protocol: 2, version: 'test', role: 'ui', fps: 30 };
  link.isCompatible = true;
});
afterEach(() => {
  link.close();
  vi.useRealTimers();
});

/** Every lane prints a new screen every 5 ms for one second (well above any frame rate). */
const floodFor = (lanes: string[], ms = 1000): void => {
  for (let t = 0; t < ms; t += 5) {
    for (const lane of lanes) {
      screens.print(lane, [`${lane} ${t}`, 'b', 'c']);
      link.changed(lane);
    }
    vi.advanceTimersByTime(5);
  }
};

describe('ClientLink frame rates', () => {
  it('sends the focused lane at the client rate, other shown lanes at 10 a second, hidden ones at 1', () => {
    link.show(['a', 'b'], 'a');
    floodFor(['a', 'b', 'c']);
    const a = socket.frames('a').length;
    const b = socket.frames('b').length;
    const c = socket.frames('c').length;
    expect(a).toBeGreaterThanOrEqual(25);
    expect(a).toBeLessThanOrEqual(31);
    expect(b).toBeGreaterThanOrEqual(8);
    expect(b).toBeLessThanOrEqual(11);
    expect(c).toBeGreaterThanOrEqual(1);
    expect(c).toBeLessThanOrEqual(2);
  });

  it('sends every lane at the client rate when the client did not say what it shows', () => {
    floodFor(['a', 'b']);
    for (const lane of ['a', 'b']) {
      expect(socket.frames(lane).length).toBeGreaterThanOrEqual(25);
      expect(socket.frames(lane).length).toBeLessThanOrEqual(31);
    }
  });

  it('puts the frames that are due together into one write', () => {
    link.show(['a', 'b', 'c'], 'a');
    floodFor(['a', 'b', 'c']);
    // b and c share a cadence: each of their frames goes out in a write with the other's.
    const withB = socket.writes.filter((write) => write.some((m) => m.t === 'frame' && m.lane === 'b'));
    expect(withB.length).toBeGreaterThan(5);
    for (const write of withB) expect(write.some((m) => m.t === 'frame' && m.lane === 'c')).toBe(true);
    expect(socket.writes.every((write) => write.length > 0)).toBe(true);
  });

  it('sends a lane at once when it is shown again or gets the focus', () => {
    link.show(['a'], 'a');
    floodFor(['a', 'b'], 200);
    screens.print('b', ['new b', 'b', 'c']);
    link.changed('b');
    const before = socket.frames('b').length;
    link.show(['a', 'b'], 'b');
    vi.advanceTimersByTime(0);
    expect(socket.frames('b').length).toBe(before + 1);
    expect(socket.frames('b').at(-1)?.changed).toContainEqual([0, 'new b']);
  });

  it('sends a screen that scrolled as the scroll and the row that came in', () => {
    screens.print('a', ['one', 'two', 'three', 'four']);
    link.changed('a');
    vi.advanceTimersByTime(100);
    screens.print('a', ['two', 'three', 'four', 'five']);
    link.changed('a');
    vi.advanceTimersByTime(100);
    const last = socket.frames('a').at(-1);
    expect(last).toMatchObject({ scroll: 1, changed: [[3, 'five']] });
  });
});

describe('scrollOf', () => {
  it('finds how far rows moved up, and 0 when nothing moved or the rows are new', () => {
    expect(scrollOf(['a', 'b', 'c', 'd'], ['c', 'd', 'e', 'f'])).toBe(2);
    expect(scrollOf(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'x'])).toBe(0);
    expect(scrollOf(['a', 'b', 'c', 'd'], ['w', 'x', 'y', 'z'])).toBe(0);
    // Blank rows match anywhere: the shift that explains most rows wins.
    expect(scrollOf([' ', 'p', ' ', ' ', 'q'], [' ', ' ', 'q', 'r', ' '])).toBe(2);
  });

  it('does not call a one-row coincidence a scroll', () => {
    expect(scrollOf(['a', 'b', 'c', 'd'], ['b', 'x', 'y', 'z'])).toBe(0);
  });
});
