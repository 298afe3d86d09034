// The always-trade canary (seed 001): one minimum-size entry per UTC window on the side the book favours, out when the window closes.
import type { MarketEvent, PluginLogger, Side, Signal, Strategy, StrategyContext } from '../../../engine/plugins/plugin-api.ts';
import { type BookLean, bookLean } from './book-lean.ts';
import type { CanarySettings } from './canary-config.ts';
import { windowAt, windowLabel } from './utc-window.ts';

export const CANARY_NAME = 'canary';

/** What the canary remembers per instrument; ids never depend on it, so a restart cannot make a duplicate. */
interface InstrumentMemory {
  /** Window of the last entry signal. */
  lastEntryWindow?: number;
  /** Window the open position belongs to. */
  heldWindow?: number;
  /** Window whose position has closed: no second entry in it, even after a stop-out. */
  doneWindow?: number;
  /** Window already reported as skipped, so a skip is logged once. */
  skippedWindow?: number;
}

interface Choice {
  readonly side: Side;
  readonly limitPrice: number;
  readonly why: string;
}

const roundPrice = (p: number) => Math.round(p * 1e8) / 1e8;

export class CanaryStrategy implements Strategy {
  readonly warmupBars: number;
  readonly #settings: CanarySettings;
  readonly #logger: PluginLogger;
  readonly #memory = new Map<string, InstrumentMemory>();

  constructor(settings: CanarySettings, logger: PluginLogger) {
    this.#settings = settings;
    this.#logger = logger;
    // Momentum compares with the mid `momentumBars` back, so it needs that many bars plus the current one.
    this.warmupBars = settings.momentumBars + 1;
  }

  evaluate(ctx: StrategyContext): Signal | null {
    // Fail closed: with no trustworthy time or position there is no window and no size to act on.
    if (!Number.isFinite(ctx.now) || !Number.isFinite(ctx.position.quantity)) return null;
    const instrument = ctx.event.instrument;
    let memory = this.#memory.get(instrument);
    if (!memory) {
      memory = {};
      this.#memory.set(instrument, memory);
    }
    const window = windowAt(ctx.now, this.#settings.windowMs);
    if (ctx.position.quantity !== 0) return this.#exit(ctx, memory, window.startMs);
    if (memory.heldWindow !== undefined) {
      memory.doneWindow = memory.heldWindow;
      memory.heldWindow = undefined;
    }
    return this.#entry(ctx, memory, window.startMs);
  }

  /** Run to settlement: a spot position is closed once its window has ended; a binary one waits for the market to settle. */
  #exit(ctx: StrategyContext, memory: InstrumentMemory, currentWindow: number): Signal | null {
    // A position the canary did not see opening (a restart) is treated as this window's, so it is still closed within one window.
    memory.heldWindow ??= memory.lastEntryWindow ?? currentWindow;
    const endMs = memory.heldWindow + this.#settings.windowMs;
    if (this.#settings.market === 'binary' || ctx.now < endMs) return null;
    const { quote } = ctx.event;
    const long = ctx.position.quantity > 0;
    const price = long ? quote.bidClose * (1 - this.#offset()) : quote.askClose * (1 + this.#offset());
    return {
      instrument: ctx.event.instrument,
      side: long ? 'sell' : 'buy',
      quantity: Math.abs(ctx.position.quantity),
      orderType: 'limit',
      limitPrice: roundPrice(price),
      // One id per window and bar: a refused exit is retried on the next bar under a new id, a restart on the same bar is not.
      signalId: `${CANARY_NAME}:${ctx.event.instrument}:${windowLabel(memory.heldWindow)}:exit:${windowLabel(ctx.event.ts)}`,
      intent: 'exit',
      windowStartMs: memory.heldWindow,
      windowEndMs: endMs,
      reason: `canary window ${windowLabel(memory.heldWindow)} closed at ${windowLabel(endMs)}: run to settlement, closing ${ctx.position.quantity} at the ${long ? 'bid' : 'ask'}`,
      ttlMs: this.#settings.orderTtlMs,
    };
  }

  #entry(ctx: StrategyContext, memory: InstrumentMemory, windowStart: number): Signal | null {
    const s = this.#settings;
    if (memory.doneWindow === windowStart) return null;
    if (ctx.now < windowStart + s.entryDelayMs || ctx.now >= windowStart + s.windowMs - s.entryCutoffMs) return null;
    if (ctx.history.length < this.warmupBars) return null;
    const lean = bookLean(ctx.event, ctx.history, { imbalanceThreshold: s.imbalanceThreshold, momentumBars: s.momentumBars });
    const choice = s.market === 'binary' ? this.#binaryChoice(ctx.event, lean) : this.#spotChoice(ctx.event, lean);
    if (!choice) {
      if (memory.skippedWindow !== windowStart) {
        memory.skippedWindow = windowStart;
        this.#logger.info({ event: 'canary.window_skipped', instrument: ctx.event.instrument, window: windowLabel(windowStart), lean: lean.detail }, 'canary sits this window out');
      }
      return null;
    }
    memory.lastEntryWindow = windowStart;
    return {
      instrument: ctx.event.instrument,
      side: choice.side,
      quantity: s.quantity,
      orderType: 'limit',
      limitPrice: choice.limitPrice,
      // The same id all window long: re-sending it while flat is safe, the order manager submits an id once.
      signalId: `${CANARY_NAME}:${ctx.event.instrument}:${windowLabel(windowStart)}:entry`,
      intent: 'entry',
      windowStartMs: windowStart,
      windowEndMs: windowStart + s.windowMs,
      edgeBps: s.declaredEdgeBps,
      reason: `canary window ${windowLabel(windowStart)}: ${choice.why}; ${choice.side} ${s.quantity} at ${choice.limitPrice}`,
      ttlMs: s.orderTtlMs,
    };
  }

  #spotChoice(event: MarketEvent, lean: BookLean): Choice | null {
    const { quote } = event;
    const buy = (why: string): Choice => ({ side: 'buy', limitPrice: roundPrice(quote.askClose * (1 + this.#offset())), why });
    if (lean.direction === 'buy') return buy(`book favours buy (${lean.detail})`);
    if (lean.direction === 'neutral') return buy(`book neutral (${lean.detail}), buying by default`);
    if (this.#settings.allowShort) return { side: 'sell', limitPrice: roundPrice(quote.bidClose * (1 - this.#offset())), why: `book favours sell (${lean.detail})` };
    if (this.#settings.longOnlySellLean === 'buy_anyway') return buy(`book favours sell (${lean.detail}) but shorts are off: buying anyway to keep the pipeline exercised`);
    return null;
  }

  /** Seed 001: buy whichever side the market prices above 0.50; at exactly 0.50 the book or momentum breaks the tie. */
  #binaryChoice(event: MarketEvent, lean: BookLean): Choice | null {
    const { bidClose: bid, askClose: ask } = event.quote;
    if (!(bid > 0 && ask < 1 && bid <= ask)) {
      this.#logger.warn({ event: 'canary.binary_quote_invalid', instrument: event.instrument, bid, ask }, 'binary quote outside (0, 1); no entry');
      return null;
    }
    const mid = (bid + ask) / 2;
    const yes = mid > 0.5 || (mid === 0.5 && lean.direction !== 'sell');
    const why = mid === 0.5 ? `YES at 0.50, tie broken by the book (${lean.detail})` : `YES mid ${mid.toFixed(4)} favours ${yes ? 'YES' : 'NO'}`;
    const cap = 1 - 1e-6;
    const price = yes ? ask * (1 + this.#offset()) : (1 - bid) * (1 + this.#offset());
    return { side: yes ? 'buy_yes' : 'buy_no', limitPrice: roundPrice(Math.min(price, cap)), why };
  }

  #offset(): number {
    return this.#settings.limitOffsetBps / 10_000;
  }
}
