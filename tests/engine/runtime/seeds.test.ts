// Specs for per-plugin seeds: stable for a seed and name, different across plugins, so adding one never shifts another's draws.
import { describe, expect, it } from 'vitest';
import { pluginRandom, pluginSeed } from '../../../engine/runtime/seeds.ts';

describe('pluginSeed', () => {
  it('is the same for the same session seed, kind and name, on every run', () => {
    expect(pluginSeed(1, 'venue', 'paper')).toBe(pluginSeed(1, 'venue', 'paper'));
    expect(Number.isInteger(pluginSeed(1, 'venue', 'paper'))).toBe(true);
  });

  it('differs by session seed, by kind and by name', () => {
    const seeds = new Set([pluginSeed(1, 'venue', 'paper'), pluginSeed(2, 'venue', 'paper'), pluginSeed(1, 'strategy', 'paper'), pluginSeed(1, 'venue', 'papers')]);
    expect(seeds.size).toBe(4);
  });
});

describe('pluginRandom', () => {
  it("gives a plugin the same draws whether or not another plugin draws too", () => {
    const alone = pluginRandom(7, 'venue', 'paper');
    const first = [alone(), alone(), alone()];
    const venue = pluginRandom(7, 'venue', 'paper');
    const strategy = pluginRandom(7, 'strategy', 'canary');
    const mixed = [venue()];
    strategy();
    strategy();
    mixed.push(venue(), venue());
    expect(mixed).toEqual(first);
  });
});
