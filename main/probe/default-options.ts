// Defaults of a probe, shared by the CLI, the app and the tests.
import { defaultTimeouts } from '../net/smtp-client.js';
import type { ProbeOptions } from './context.js';

export const defaultProbeOptions: ProbeOptions = {
  authorized: false,
  helo: 'mxaudit.invalid',
  mailFrom: 'mxaudit-probe@example.com',
  relayDomain: 'example.com',
  validRcpt: [],
  relayCanary: null,
  ca: null,
  timeouts: defaultTimeouts,
  checkTimeoutMs: null,
  harvest: { samples: 16, freshConnections: 2, intervalMs: 0 },
  rblZones: [],
  rblOnly: false,
};

export function probeOptions(overrides: Partial<ProbeOptions> = {}): ProbeOptions {
  return { ...defaultProbeOptions, ...overrides };
}
