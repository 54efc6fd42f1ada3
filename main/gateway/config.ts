// Gateway configuration: validated with zod, defaulting to the talk's hardened posture.
// Each layer validates its own options with its own schema.
import { z } from 'zod';
import { layerRegistry } from './layer-registry.js';
import type { LayerDefinition } from './define-layer.js';
import { DirectorySchema, EMPTY_DIRECTORY } from './directory.js';
import { EarlyTalkerSchema, EARLY_TALKER_DEFAULTS } from './connection/early-talker.js';
import { RelayConfigSchema } from './relay/relay-config.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each layer has its own option and state types
export type LayerList = readonly LayerDefinition<any, any>[];

export const gatewayConfigSchema = (layers: LayerList) => z
  .object({
    hostname: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'expected a host name').default('mx.lab.test'),
    listen: z
      .object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(2525) })
      .strict()
      .default({ host: '127.0.0.1', port: 2525 }),
    /** Domains we receive mail for; relaying elsewhere needs authentication or an internal client. */
    domains: z.array(z.string()).min(1).default(['lab.test']),
    /** Where accepted mail is written (inbox, junk, quarantine per recipient). */
    storeDir: z.string().default('mxaudit-store'),
    /** Advertised and enforced (552 at MAIL SIZE= and at the end of DATA). */
    maxMessageBytes: z.number().int().min(1024).default(10_485_760),
    /** Peers allowed to present another client address with XCLIENT (tests, the lab, a front proxy). */
    xclientPeers: z.array(z.string()).default([]),
    /** Client addresses treated as internal (may relay). Loopback without XCLIENT is internal. */
    internalNetworks: z.array(z.string()).default(['127.0.0.1', '::1']),
    /** DNS servers for the layers (DNSBL, SPF); empty = the system's. */
    dns: z.array(z.string()).default([]),
    /** Idle time before a silent client is disconnected. */
    idleTimeoutSeconds: z.number().int().min(1).max(3600).default(60),
    /**
     * Deadline for one whole command line, from its first byte (Postfix's smtpd_per_record_deadline):
     * any received byte re-arms the idle timeout, so a client dripping a line never completes it and
     * holds its slot forever. Not completed in time: 421 4.4.2 and the connection is closed. Default:
     * 30 s, or the idle timeout when that is shorter.
     */
    commandTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
    maxClients: z.number().int().min(1).default(1000),
    /** Pregreet test: a client that talks before the greeting (see connection/early-talker.ts). */
    earlyTalker: EarlyTalkerSchema.default(EARLY_TALKER_DEFAULTS),
    /**
     * Per session, before it is ended with 421 (Postfix's smtpd_hard_error_limit and
     * smtpd_junk_command_limit; smtp-server's fixed 10 unrecognized commands). The counts start
     * over after each message delivered.
     */
    commandLimits: z
      .object({
        errors: z.number().int().min(1).max(10_000).default(20),
        junkCommands: z.number().int().min(1).max(100_000).default(100),
        unknownCommands: z.number().int().min(1).max(10_000).default(10),
      })
      .strict()
      .default({ errors: 20, junkCommands: 100, unknownCommands: 10 }),
    /** Our mailboxes, aliases and groups, for every layer that needs them (recipient lookup, restricted groups). */
    directory: DirectorySchema.default(EMPTY_DIRECTORY),
    /** Optional relay of accepted mail to a smart host, through a persistent queue (storeDir/.relay-queue). */
    relay: RelayConfigSchema.optional(),
    /**
     * STARTTLS on every listener: the key and certificate files, or (when both are absent) a
     * self-signed certificate for `hostname` generated into storeDir/tls/ and reused while valid.
     */
    tls: z
      .object({ enabled: z.boolean().default(true), key: z.string().min(1).optional(), cert: z.string().min(1).optional() })
      .strict()
      .refine((t) => !t.key === !t.cert, 'give both key and cert, or neither')
      .default({ enabled: true }),
    /**
     * Optional submission listener (off unless configured): AUTH PLAIN/LOGIN only after STARTTLS,
     * nothing accepted before; authenticated sessions may relay.
     */
    submission: z
      .object({
        listen: z
          .object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(587) })
          .strict()
          .default({ host: '127.0.0.1', port: 587 }),
        users: z.array(z.object({ username: z.string().min(1), password: z.string().min(1) }).strict()).min(1),
      })
      .strict()
      .optional(),
    /** JSON-lines decision log: one line per finished session, appended. */
    log: z.string().min(1).optional(),
    /** Layer order: the first that decides wins. */
    order: z.array(z.enum(layers.map((l) => l.id) as [string, ...string[]])).default(layers.map((l) => l.id)),
    /** Options per layer id; each is validated by the layer's own schema. */
    layers: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const GatewayConfigSchema = gatewayConfigSchema(layerRegistry);
export type GatewayConfig = z.output<typeof GatewayConfigSchema>;

export class GatewayConfigError extends Error {}

/** Validates the whole config, naming the path and the problem of the first error. */
export function parseGatewayConfig(input: unknown, layers: LayerList = layerRegistry): { config: GatewayConfig; layerOptions: Map<string, unknown> } {
  const layerIds = layers.map((l) => l.id);
  const parsed = gatewayConfigSchema(layers).safeParse(input ?? {});
  if (!parsed.success) throw new GatewayConfigError(describe(parsed.error.issues[0]));
  const config = parsed.data;
  const unknownLayers = Object.keys(config.layers).filter((id) => !layerIds.includes(id));
  if (unknownLayers.length) throw new GatewayConfigError(`layers.${unknownLayers[0]}: unknown layer; known: ${layerIds.join(', ')}`);
  const layerOptions = new Map<string, unknown>();
  for (const def of layers) {
    const r = def.options.safeParse(withDirectory(def, config.layers[def.id], config.directory));
    if (!r.success) throw new GatewayConfigError(describe(r.error.issues[0], ['layers', def.id]));
    layerOptions.set(def.id, r.data);
  }
  return { config, layerOptions };
}

/**
 * A layer whose options have a `directory` gets the top-level one, unless its own options give
 * one (older configs). Known by its schema: an object with that key, possibly with a default.
 */
function withDirectory(def: LayerList[number], raw: unknown, directory: unknown): unknown {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) return raw;
  const own = raw as Record<string, unknown> | undefined;
  if (own?.directory !== undefined || !hasOptionKey(def.options, 'directory')) return raw;
  return { ...own, directory };
}

function hasOptionKey(schema: z.ZodType, key: string): boolean {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodObject && key in s.shape;
}

function describe(issue: z.core.$ZodIssue, prefix: (string | number)[] = []): string {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))].join('.');
  return `${path || 'config'}: ${issue.message}`;
}
