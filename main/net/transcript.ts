// A bounded, timestamped record of every line exchanged with a target: the evidence behind
// every SMTP finding. Server text is stored verbatim (never interpreted) but bounded in size.

export type Direction = '->' | '<-' | '~>' | '<~' | '**';

export interface TranscriptEntry {
  /** Milliseconds since the transcript started. */
  t: number;
  dir: Direction;
  text: string;
}

export interface TranscriptLimits {
  /** Characters kept of one line; the rest is replaced by a marker saying how much was cut. */
  maxLineChars: number;
  /** Entries kept; later ones are counted, not stored. */
  maxEntries: number;
}

export const defaultTranscriptLimits: TranscriptLimits = { maxLineChars: 2000, maxEntries: 4000 };

export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private dropped = 0;

  constructor(
    private readonly now: () => number,
    private readonly startedAt = now(),
    private readonly limits: TranscriptLimits = defaultTranscriptLimits,
  ) {}

  add(dir: Direction, text: string): void {
    if (this.entries.length >= this.limits.maxEntries) {
      this.dropped++;
      return;
    }
    const cut = text.length - this.limits.maxLineChars;
    const kept = cut > 0 ? `${text.slice(0, this.limits.maxLineChars)} [... ${cut} more characters]` : text;
    this.entries.push({ t: this.now() - this.startedAt, dir, text: kept });
  }

  /** A note of ours in the record (TLS established, timeout...), marked `**`. */
  note(text: string): void {
    this.add('**', text);
  }

  /** Lines as `0.123 -> EHLO x`, ready for evidence. */
  lines(): string[] {
    const out = this.entries.map(formatEntry);
    if (this.dropped > 0) out.push(`[${this.dropped} more lines not kept]`);
    return out;
  }
}

export function formatEntry(e: TranscriptEntry): string {
  return `${(e.t / 1000).toFixed(3)} ${e.dir} ${e.text}`;
}
