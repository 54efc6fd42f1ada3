// mailauth ships no types for its SPF grammar module; this is the one function we use.
declare module 'mailauth/lib/spf/syntax.js' {
  /** Checks the terms of a record against RFC 7208 section 4.6; returns the first error, or false. */
  export function validateTerms(terms: string[]): string | false;
}
