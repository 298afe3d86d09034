// What an operator watching a terminal sees while a session runs: progress lines, or a bar for backtests; nothing when not on a terminal.
import cliProgress from 'cli-progress';
import type { Clock } from '../clock.ts';
import type { SessionProgress } from './session.ts';

/** The session's progress plus what is counted on demand (a query, so only when a line is due). */
export interface ProgressView extends SessionProgress {
  readonly trades: number;
}

export interface ProgressSink {
  start(totalEvents: number): void;
  /** Called once per event; the sink decides when to show something (and only then calls `view`). */
  update(view: () => ProgressView): void;
  stop(): void;
}

export const silentProgress: ProgressSink = { start() {}, update() {}, stop() {} };

const usd = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : '-');
const marketTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function progressLine(v: ProgressView, total: number): string {
  const pct = total > 0 ? `${String(Math.floor((100 * v.events) / total)).padStart(3)}%` : '';
  return `${pct} ${marketTime(v.marketTimeMs)}  equity ${usd(v.equityUsd)} USD  drawdown ${(v.drawdownFraction * 100).toFixed(2)}%  trades ${v.trades}  rejections ${v.refused}`;
}

/** A line every `everyMs` of wall time (and one at the end), written to `out`. */
export function lineProgress(out: NodeJS.WritableStream, wall: Clock, everyMs: number): ProgressSink {
  let total = 0;
  let last = Number.NEGATIVE_INFINITY;
  let latest: (() => ProgressView) | undefined;
  return {
    start(n) {
      total = n;
    },
    update(view) {
      latest = view;
      const now = wall.now();
      if (now - last < everyMs) return;
      last = now;
      out.write(`${progressLine(view(), total)}\n`);
    },
    stop() {
      if (latest) out.write(`${progressLine(latest(), total)}\n`);
    },
  };
}

/** A progress bar (cli-progress) for backtests, redrawn at most every `everyMs`. */
export function barProgress(out: NodeJS.WritableStream, wall: Clock, everyMs: number): ProgressSink {
  const bar = new cliProgress.SingleBar(
    {
      stream: out as NodeJS.WriteStream,
      format: '{bar} {percentage}% | {market} | equity {equity} USD | trades {trades} | rejections {rejections}',
      hideCursor: true,
      // Chosen for terminals; drawn anyway on a stream that is not one (a log file, a test), instead of going silent.
      noTTYOutput: true,
      fps: Math.max(1, Math.round(1000 / everyMs)),
    },
    cliProgress.Presets.shades_classic,
  );
  let last = Number.NEGATIVE_INFINITY;
  let latest: (() => ProgressView) | undefined;
  const payload = (v: ProgressView) => ({ market: marketTime(v.marketTimeMs), equity: usd(v.equityUsd), trades: v.trades, rejections: v.refused });
  return {
    start(n) {
      bar.start(n, 0, { market: '-', equity: '-', trades: 0, rejections: 0 });
    },
    update(view) {
      latest = view;
      const now = wall.now();
      if (now - last < Math.min(everyMs, 200)) return;
      last = now;
      const v = view();
      bar.update(v.events, payload(v));
    },
    stop() {
      if (latest) {
        const v = latest();
        bar.update(v.events, payload(v));
      }
      bar.stop();
    },
  };
}
