// Specs for the rule file parse cache: keyed by path and content hash, never stale, bounded to the folder's files.
import { rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseOperatorFile } from '../../../engine/config/operator-file.ts';
import { loadRuleSet, RULE_FILE_SCHEMA } from '../../../engine/rules/load-rules.ts';
import { MAX_CACHED_FOLDERS, ParseCache, parseCacheFor } from '../../../engine/rules/parse-cache.ts';
import { ruleText, tempFolder } from '../../helpers/operator-fixtures.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function folder(files: Record<string, string> = {}): string {
  const made = tempFolder(files);
  cleanups.push(made.cleanup);
  return made.dir;
}

type RuleFile = { rules: Array<{ id: string; params: { max_usd: { value: number } } }> };

const capOf = (value: unknown) => (value as RuleFile).rules[0]?.params.max_usd.value;

/** The max_usd cap written as `cap`: same length for 100..999, so an edit keeps the file size. */
const capText = (cap: number) => ruleText().replace('value: 100,', `value: ${cap},`);

describe('ParseCache', () => {
  it('parses an edited file again and returns the new content, even when size and mtime are kept', async () => {
    const dir = folder({ 'a.yaml': capText(100) });
    const path = join(dir, 'a.yaml');
    const cache = new ParseCache(RULE_FILE_SCHEMA);
    // Editors and copy tools can keep the mtime; two writes also fit in one timestamp tick.
    const KEPT_MTIME_S = 1_700_000_000;
    utimesSync(path, KEPT_MTIME_S, KEPT_MTIME_S);
    expect(capOf((await cache.read(path)).value)).toBe(100);
    const before = statSync(path);
    writeFileSync(path, capText(250));
    utimesSync(path, KEPT_MTIME_S, KEPT_MTIME_S);
    expect(statSync(path).size).toBe(before.size);
    expect(statSync(path).mtimeMs).toBe(before.mtimeMs);
    expect(capOf((await cache.read(path)).value)).toBe(250);
    expect(cache.stats()).toEqual({ parses: 2, hits: 0, size: 1 });
  });

  it('does not parse an unchanged file again, and hands back the same result', async () => {
    const dir = folder({ 'a.yaml': capText(100) });
    const path = join(dir, 'a.yaml');
    const cache = new ParseCache(RULE_FILE_SCHEMA);
    const first = await cache.read(path);
    writeFileSync(path, capText(100));
    const second = await cache.read(path);
    expect(second).toBe(first);
    expect(cache.stats()).toEqual({ parses: 1, hits: 1, size: 1 });
  });

  it('gives exactly what a fresh parse gives, problems included, for each edit of a file', async () => {
    const dir = folder();
    const path = join(dir, 'a.yaml');
    const cache = new ParseCache(RULE_FILE_SCHEMA);
    const texts = [capText(100), capText(100).replace('applies_to:', 'applies_too:'), 'rules: [', capText(300), capText(100)];
    for (const text of texts) {
      writeFileSync(path, text);
      const { locate, ...cached } = await cache.read(path);
      const { locate: freshLocate, ...fresh } = await parseOperatorFile(path, RULE_FILE_SCHEMA);
      expect(cached).toEqual(fresh);
      expect(locate('/rules/0/id')).toEqual(freshLocate('/rules/0/id'));
    }
    expect(cache.stats().parses).toBe(texts.length);
  });

  it('keys by path: the same text in another file is parsed for that file', async () => {
    const dir = folder({ 'a.yaml': capText(100).replace('applies_to:', 'applies_too:'), 'b.yaml': capText(100).replace('applies_to:', 'applies_too:') });
    const cache = new ParseCache(RULE_FILE_SCHEMA);
    const a = await cache.read(join(dir, 'a.yaml'));
    const b = await cache.read(join(dir, 'b.yaml'));
    expect(a.problems[0]?.file).toBe(join(dir, 'a.yaml'));
    expect(b.problems[0]?.file).toBe(join(dir, 'b.yaml'));
    expect(cache.stats()).toEqual({ parses: 2, hits: 0, size: 2 });
  });

  it('forgets files no longer in the folder, and a file that can no longer be read', async () => {
    const dir = folder({ 'a.yaml': capText(100), 'b.yaml': capText(200) });
    const cache = new ParseCache(RULE_FILE_SCHEMA);
    await cache.read(join(dir, 'a.yaml'));
    await cache.read(join(dir, 'b.yaml'));
    cache.retainOnly([join(dir, 'a.yaml')]);
    expect(cache.stats().size).toBe(1);
    rmSync(join(dir, 'a.yaml'));
    const gone = await cache.read(join(dir, 'a.yaml'));
    expect(gone.problems.map((p) => p.code)).toEqual(['FILE_UNREADABLE']);
    expect(cache.stats().size).toBe(0);
  });

  it('hands out frozen results, so no caller can change what a later load gets', async () => {
    const dir = folder({ 'a.yaml': capText(100) });
    const result = await new ParseCache(RULE_FILE_SCHEMA).read<RuleFile>(join(dir, 'a.yaml'));
    const param = result.value!.rules[0]!.params.max_usd;
    expect(() => {
      param.value = 1;
    }).toThrow(TypeError);
    expect(Object.isFrozen(result.problems)).toBe(true);
  });
});

describe('parseCacheFor', () => {
  it('keeps one cache per folder, and the caches of at most MAX_CACHED_FOLDERS folders', () => {
    const first = parseCacheFor('/rules-0', RULE_FILE_SCHEMA);
    expect(parseCacheFor('/rules-0', RULE_FILE_SCHEMA)).toBe(first);
    for (let i = 1; i <= MAX_CACHED_FOLDERS; i++) parseCacheFor(`/rules-${i}`, RULE_FILE_SCHEMA);
    expect(parseCacheFor('/rules-0', RULE_FILE_SCHEMA)).not.toBe(first);
  });
});

describe('loadRuleSet with the parse cache', () => {
  it('parses only the edited file of a folder, and still checks ids across every file', async () => {
    const dir = folder({ 'a.yaml': ruleText({ id: 'first' }), 'b.yaml': ruleText({ id: 'second' }) });
    const cache = parseCacheFor(dir, RULE_FILE_SCHEMA);
    expect((await loadRuleSet(dir)).ok).toBe(true);
    expect(cache.stats()).toMatchObject({ parses: 2, hits: 0 });
    writeFileSync(join(dir, 'b.yaml'), ruleText({ id: 'first' }));
    const clash = await loadRuleSet(dir);
    expect(cache.stats()).toMatchObject({ parses: 3, hits: 1 });
    expect(clash.ok).toBe(false);
    expect(clash.problems.map((p) => [p.code, p.file])).toEqual([['RULE_DUPLICATE_ID', join(dir, 'b.yaml')]]);
  });

  it('drops deleted files from the cache, and everything when the folder holds no rule files', async () => {
    const dir = folder({ 'a.yaml': ruleText({ id: 'first' }), 'b.yaml': ruleText({ id: 'second' }) });
    const cache = parseCacheFor(dir, RULE_FILE_SCHEMA);
    await loadRuleSet(dir);
    rmSync(join(dir, 'b.yaml'));
    const result = await loadRuleSet(dir);
    expect(result.ok && result.ruleSet.rules.map((r) => r.id)).toEqual(['first']);
    expect(cache.stats()).toMatchObject({ size: 1, hits: 1 });
    rmSync(join(dir, 'a.yaml'));
    expect((await loadRuleSet(dir)).problems.map((p) => p.code)).toEqual(['RULES_DIR_EMPTY']);
    expect(cache.stats().size).toBe(0);
  });
});
