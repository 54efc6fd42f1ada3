// V8 is tuned for long-running code: a function goes to the optimizing compiler (TurboFan)
// after little work. A one-shot command such as `mxaudit report` runs a great deal of code once
// (react-pdf's layout and text engine): those compiles, on a background thread that competes
// with the main thread on a 2-core laptop, cost more than the optimized code saves before the
// command ends. Four times the default budget (67,584) lets functions run longer in the
// baseline tiers first. Measured on the 100-finding PDF (bench/report.ts, interleaved runs):
// about 10% less wall time and 25% less CPU; 500 findings no slower. Long-running commands
// (gateway, serve, dns-serve) keep V8's defaults.
import { setFlagsFromString } from 'node:v8';

const BUDGET = 270_000;

export function tuneForOneShot(): void {
  setFlagsFromString(`--interrupt-budget=${BUDGET}`);
}
