// The config editor's checker: every problem with its path and line, JSON and YAML alike.
import { describe, expect, it } from 'vitest';
import { defaultConfigText, parseConfigText } from '../../../main/api/gateway-config-check.js';

describe('gateway config check', () => {
  it('accepts the default text and an empty one', () => {
    expect(parseConfigText(defaultConfigText).issues).toEqual([]);
    expect(parseConfigText('').issues).toEqual([]);
  });

  it('reports every wrong setting with its path and line', () => {
    const text = '{\n  "maxMessageBytes": "big",\n  "domains": [],\n  "layers": {\n    "recipient-lookup": { "tarpitSeconds": -3 },\n    "no-such-layer": {}\n  }\n}';
    const issues = parseConfigText(text).issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'maxMessageBytes', line: 2 }),
        expect.objectContaining({ path: 'domains', line: 3 }),
        expect.objectContaining({ path: 'layers.recipient-lookup.tarpitSeconds', line: 5 }),
        expect.objectContaining({ path: 'layers.no-such-layer', line: 6, message: expect.stringMatching(/unknown layer/) }),
      ]),
    );
  });

  it('gives the line of a syntax error, in JSON or YAML', () => {
    const broken = parseConfigText('{\n  "hostname": "x",\n  "domains": ["a"\n}').issues;
    expect(broken).toHaveLength(1);
    expect(broken[0].line).toBeGreaterThanOrEqual(3);
    const yaml = parseConfigText('hostname: mx.lab.test\nmaxClients: zero\n').issues;
    expect(yaml).toEqual([expect.objectContaining({ path: 'maxClients', line: 2 })]);
  });

  it('refuses what is not an object of settings', () => {
    expect(parseConfigText('[1, 2]').issues[0].message).toMatch(/object/);
    expect(parseConfigText('42').issues[0].message).toMatch(/object/);
  });
});
