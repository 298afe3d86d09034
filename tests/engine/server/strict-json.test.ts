// Specs of strict JSON bodies: repeated keys and prototype keys refused at any depth, everything else as JSON.parse reads it.
import { describe, expect, it } from 'vitest';
import { parseStrictJson } from '../../../engine/server/strict-json.ts';

describe('parseStrictJson', () => {
  it('reads valid JSON as JSON.parse does', () => {
    const text = '{"a":{"a":1},"b":[{"a":2},{"a":3}],"c":"x:\\"y\\":z","d":null}';
    expect(parseStrictJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
    expect(parseStrictJson('[1,"a",{"k":true}]')).toEqual({ ok: true, value: [1, 'a', { k: true }] });
  });

  it('refuses a key given twice in one object, however it is spaced or escaped', () => {
    expect(parseStrictJson('{"kill_level":"pause","kill_level":"none"}')).toEqual({ ok: false, message: 'the key "kill_level" is given more than once' });
    expect(parseStrictJson('{"a":1, "b":{"x":1,"x" :2}}')).toMatchObject({ ok: false, message: 'the key "x" is given more than once' });
    expect(parseStrictJson('{"k":1,"\\u006b":2}')).toMatchObject({ ok: false, message: 'the key "k" is given more than once' });
  });

  it('refuses prototype keys and invalid JSON', () => {
    expect(parseStrictJson('{"__proto__":{"polluted":true}}')).toEqual({ ok: false, message: 'the key "__proto__" is not allowed' });
    expect(parseStrictJson('{"kill_level":')).toMatchObject({ ok: false, message: expect.stringMatching(/^the body is not valid JSON: /) });
    expect(parseStrictJson('')).toMatchObject({ ok: false });
  });
});
