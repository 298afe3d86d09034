// Specs for terminal progress: a line with market time, equity, drawdown, trades and refusals, at most once per interval of wall time.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { barProgress, lineProgress, progressLine, type ProgressView } from '../../../engine/runtime/progress.ts';

const view = (events: number, extra: Partial<ProgressView> = {}): ProgressView => ({
  marketTimeMs: Date.UTC(2018, 3, 4, 13, 5), events, equityUsd: 10_003.2, drawdownFraction: 0.0012, candidates: 9, refused: 4, sent: 5, trades: 3, ...extra,
});

function sink(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({ write(chunk, _enc, done) {
    text += String(chunk);
    done();
  } });
  return { out, text: () => text };
}

describe('progressLine', () => {
  it('says how far, when in market time, equity, drawdown, trades and refusals', () => {
    expect(progressLine(view(370), 1000)).toBe(' 37% 2018-04-04 13:05 UTC  equity 10,003.20 USD  drawdown 0.12%  trades 3  rejections 4');
    expect(progressLine(view(1, { equityUsd: Number.NaN }), 0)).toContain('equity - USD');
  });
});

describe('lineProgress', () => {
  it('prints at most one line per interval of wall time, and the last state when it stops', () => {
    const clock = new ManualClock(0);
    const { out, text } = sink();
    const p = lineProgress(out, clock, 1000);
    p.start(100);
    let asked = 0;
    const at = (n: number) => () => {
      asked += 1;
      return view(n);
    };
    p.update(at(1));
    clock.advance(999);
    p.update(at(2));
    clock.advance(1);
    p.update(at(3));
    p.stop();
    expect(text().split('\n').filter(Boolean).map((l) => l.slice(0, 4))).toEqual(['  1%', '  3%', '  3%']);
    expect(asked).toBe(3);
  });
});

describe('barProgress', () => {
  it('draws a bar with the market time and the counts, and ends it', () => {
    const { out, text } = sink();
    const p = barProgress(out, new ManualClock(0), 1000);
    p.start(10);
    p.update(() => view(10));
    p.stop();
    expect(text()).toContain('100% | 2018-04-04 13:05 UTC | equity 10,003.20 USD | trades 3 | rejections 4');
  });
});
