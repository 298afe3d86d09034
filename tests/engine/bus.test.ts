// Specs for the typed event bus: delivery order, unsubscribe, once, and listeners that fail without harming anyone.
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../engine/bus.ts';

interface TestEvents {
  'a.happened': { n: number };
  'b.happened': { text: string };
}

function newBus() {
  const errors: Array<{ error: unknown; event: string }> = [];
  const bus = new EventBus<TestEvents>({ onListenerError: (error, event) => errors.push({ error, event }) });
  return { bus, errors };
}

describe('EventBus', () => {
  it('delivers a payload to every listener of that event, in subscription order, and to no other event', () => {
    const { bus } = newBus();
    const seen: string[] = [];
    bus.on('a.happened', (p) => void seen.push(`first ${p.n}`));
    bus.on('a.happened', (p) => void seen.push(`second ${p.n}`));
    bus.on('b.happened', (p) => void seen.push(`b ${p.text}`));
    bus.emit('a.happened', { n: 1 });
    expect(seen).toEqual(['first 1', 'second 1']);
  });

  it('stops delivering after unsubscribe, through the returned function or off()', () => {
    const { bus } = newBus();
    const seen: number[] = [];
    const listener = (p: { n: number }) => void seen.push(p.n);
    const off = bus.on('a.happened', listener);
    bus.emit('a.happened', { n: 1 });
    off();
    bus.emit('a.happened', { n: 2 });
    bus.on('a.happened', listener);
    bus.off('a.happened', listener);
    bus.emit('a.happened', { n: 3 });
    expect(seen).toEqual([1]);
    expect(bus.listenerCount('a.happened')).toBe(0);
  });

  it('keeps delivering to other listeners when one throws, and reports the error with the event name', () => {
    const { bus, errors } = newBus();
    const seen: number[] = [];
    bus.on('a.happened', () => {
      throw new Error('listener bug');
    });
    bus.on('a.happened', (p) => void seen.push(p.n));
    expect(() => bus.emit('a.happened', { n: 7 })).not.toThrow();
    expect(seen).toEqual([7]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.event).toBe('a.happened');
    expect(errors[0]?.error).toEqual(new Error('listener bug'));
  });

  it('reports a listener whose promise rejects, without an unhandled rejection', async () => {
    const { bus, errors } = newBus();
    bus.on('a.happened', async () => {
      throw new Error('async listener bug');
    });
    bus.emit('a.happened', { n: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors[0]?.error).toEqual(new Error('async listener bug'));
  });

  it('survives an error reporter that itself throws', () => {
    const bus = new EventBus<TestEvents>({
      onListenerError: () => {
        throw new Error('reporter bug');
      },
    });
    const seen: number[] = [];
    bus.on('a.happened', () => {
      throw new Error('listener bug');
    });
    bus.on('a.happened', (p) => void seen.push(p.n));
    expect(() => bus.emit('a.happened', { n: 1 })).not.toThrow();
    expect(seen).toEqual([1]);
  });

  it('delivers to the listeners present when emit starts, even if one subscribes or unsubscribes another', () => {
    const { bus } = newBus();
    const seen: string[] = [];
    const late = () => void seen.push('late');
    const second = () => void seen.push('second');
    bus.on('a.happened', () => {
      seen.push('first');
      bus.on('a.happened', late);
      bus.off('a.happened', second);
    });
    bus.on('a.happened', second);
    bus.emit('a.happened', { n: 1 });
    expect(seen).toEqual(['first', 'second']);
    seen.length = 0;
    bus.emit('a.happened', { n: 2 });
    expect(seen).toEqual(['first', 'late']);
  });

  it('resolves once() with the first payload that matches, then unsubscribes', async () => {
    const { bus } = newBus();
    const waiting = bus.once('a.happened', (p) => p.n > 1);
    bus.emit('a.happened', { n: 1 });
    bus.emit('a.happened', { n: 2 });
    bus.emit('a.happened', { n: 3 });
    await expect(waiting).resolves.toEqual({ n: 2 });
    expect(bus.listenerCount('a.happened')).toBe(0);
  });

  it('does nothing when an event has no listeners', () => {
    const { bus, errors } = newBus();
    expect(() => bus.emit('b.happened', { text: 'x' })).not.toThrow();
    expect(errors).toEqual([]);
  });
});
