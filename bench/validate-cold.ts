// Child process of the validate bench: times importing the loader and the first load of the default rules in a fresh process.
const start = process.hrtime.bigint();
const { loadRuleSet } = await import('../engine/rules/load-rules.ts');
const imported = process.hrtime.bigint();
const result = await loadRuleSet(process.argv[2] ?? new URL('../rules', import.meta.url).pathname);
const loaded = process.hrtime.bigint();
process.stdout.write(
  `${JSON.stringify({ ok: result.ok, import_ms: Number(imported - start) / 1e6, first_load_ms: Number(loaded - imported) / 1e6 })}\n`,
);
