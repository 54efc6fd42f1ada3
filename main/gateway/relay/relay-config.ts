// Smart-host relay of accepted mail (optional): validated with zod as the gateway config's `relay`.
import { z } from 'zod';

export const RelayConfigSchema = z
  .object({
    /** The smart host accepted mail is handed to, e.g. the organisation's internal mail server. */
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(25),
    /**
     * STARTTLS to the smart host: used when offered (opportunistic, Postfix's "may"), demanded,
     * or never tried. Opportunistic TLS does not verify the certificate unless told to.
     */
    starttls: z.enum(['opportunistic', 'required', 'never']).default('opportunistic'),
    verifyCertificate: z.boolean().default(false),
    /** Deliveries in flight at once. */
    concurrency: z.number().int().min(1).max(100).default(4),
    /** Connect, greeting and per-reply timeout for one attempt. */
    timeoutSeconds: z.number().int().min(1).max(600).default(60),
    /** Wait after the first temporary failure; doubled after each further one, up to the maximum. */
    retryInitialSeconds: z.number().min(0.01).max(86_400).default(60),
    retryMaxSeconds: z.number().min(0.01).max(86_400).default(3600),
    /** A message still deferred after this long fails for good (Postfix's maximal_queue_lifetime: 5 days). */
    maxQueueSeconds: z.number().min(1).max(30 * 86_400).default(5 * 86_400),
  })
  .strict()
  .refine((c) => c.retryMaxSeconds >= c.retryInitialSeconds, { message: 'retryMaxSeconds must be at least retryInitialSeconds', path: ['retryMaxSeconds'] });
export type RelayConfig = z.output<typeof RelayConfigSchema>;
