// The directory is one top-level config section: config.ts hands it to every layer whose options
// have a `directory` (recipient lookup, restricted groups); older configs that set it per layer
// (or restricted-groups' own `groups`) keep working and win over the top-level one.
import { describe, expect, it } from 'vitest';
import { GatewayConfigError, parseGatewayConfig } from '../../../main/gateway/config.js';
import recipientLookup from '../../../main/gateway/layers/recipient-lookup.js';
import restrictedGroups from '../../../main/gateway/layers/restricted-groups.js';

const groups = { 'all@lab.test': { members: ['alice@lab.test'], restricted: true }, 'team@lab.test': { members: ['alice@lab.test'] } };

/** The layer's state as the gateway builds it from the parsed options. */
function states(input: unknown) {
  const { layerOptions } = parseGatewayConfig(input);
  return {
    lookup: recipientLookup.init!(layerOptions.get('recipient-lookup') as never),
    restricted: restrictedGroups.init!(layerOptions.get('restricted-groups') as never),
  };
}

describe('the directory section', () => {
  it('reaches both layers from the top level', () => {
    const s = states({ directory: { users: ['Alice@Lab.test'], aliases: { 'info@lab.test': 'alice@lab.test' }, groups } });
    expect([...s.lookup.directory.known].sort()).toEqual(['alice@lab.test', 'all@lab.test', 'info@lab.test', 'team@lab.test']);
    expect([...s.restricted.restrictedGroups]).toEqual(['all@lab.test']);
  });

  it('older per-layer options still work and take precedence', () => {
    const s = states({
      directory: { users: ['top@lab.test'] },
      layers: { 'recipient-lookup': { directory: { users: ['own@lab.test'] } }, 'restricted-groups': { groups: { 'old@lab.test': { members: [], restricted: true } } } },
    });
    expect([...s.lookup.directory.known]).toEqual(['own@lab.test']);
    expect([...s.restricted.restrictedGroups]).toEqual(['old@lab.test']);
  });

  it('defaults to an empty directory', () => {
    const s = states({});
    expect(s.lookup.directory.known.size).toBe(0);
    expect(s.restricted.restrictedGroups.size).toBe(0);
  });

  it('names the path of an error in the directory', () => {
    expect(() => parseGatewayConfig({ directory: { users: ['not an address'] } })).toThrow(GatewayConfigError);
    expect(() => parseGatewayConfig({ directory: { users: ['not an address'] } })).toThrow(/^directory\.users\.0: /);
    expect(() => parseGatewayConfig({ directory: { groups: { 'g@lab.test': { members: [], restricted: 'yes' } } } })).toThrow(/^directory\.groups\.g@lab\.test\.restricted: /);
  });
});
