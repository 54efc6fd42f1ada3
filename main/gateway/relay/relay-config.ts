// Smart-host relay of accepted mail (optional): validated with zod as the gateway config's `relay`.
import { z } from 'zod';

export const RelayConfigSchema = z
  .object({
    /** The smart host accepted mail is handed to, e.g. the organisation's internal mail server. */
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(25),
  })
  .strict();
export type RelayConfig = z.output<typeof RelayConfigSchema>;
