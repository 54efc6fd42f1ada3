// `mxaudit attack`: sends the attack suite to a gateway and reports, for each attack, what
// should stop it, what the server answered, and whether it was stopped.
import { parseArgs } from 'node:util';
import { parseTarget } from '../probe/target.js';
import { runAttackSuite, type AttackResult } from '../attack/run-suite.js';
import { attackRegistry } from '../attack/registry.js';
import { UsageError, type CliIo } from './io.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { visible } from '../../shared/visible-text.js';

export const attackHelp = `Usage: mxaudit attack <host[:port]> --rcpt ADDR --i-am-authorized [options]

Sends real attacks to a mail server (block-listed source, spoofed own domain, harvest burst,
GTUBE, EICAR, executable attachments, oversize mail, relay, AUTH in clear, early talk...) and
reports, for each, the layer meant to stop it, the server's reply, and stopped / passed.
Only against servers you are allowed to test: without --i-am-authorized nothing is sent.

  --rcpt ADDR          a valid recipient at the server (its domain is "our" domain)
  --group ADDR         a restricted distribution group (default all@<domain of --rcpt>)
  --xclient            present outside client addresses (documentation ranges) with XCLIENT,
                       as the reference gateway's lab mode allows; without it, attacks come
                       from this machine's address and the block-list attack is skipped
  --only ID,ID         run only these attacks (ids: see the table)
  --harvest N          unknown recipients in the harvest burst (default 30)
  --json FILE          write the results (with transcripts) as JSON to FILE
  --i-am-authorized    confirm you may attack this server`;

export async function attackCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      rcpt: { type: 'string' },
      group: { type: 'string' },
      xclient: { type: 'boolean' },
      only: { type: 'string' },
      harvest: { type: 'string' },
      json: { type: 'string' },
      'i-am-authorized': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(attackHelp);
    return 0;
  }
  if (!values['i-am-authorized']) throw new UsageError('refusing to attack without --i-am-authorized: run it only against servers you may test');
  if (positionals.length !== 1) throw new UsageError('expected exactly one target host[:port]');
  let target;
  try {
    target = parseTarget(positionals[0]);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const address = /^[^\s<>@]+@[A-Za-z0-9.-]+$/;
  if (!values.rcpt || !address.test(values.rcpt)) throw new UsageError('--rcpt ADDR: a valid recipient address is required');
  if (values.group !== undefined && !address.test(values.group)) throw new UsageError(`--group ${visible(values.group, 80)}: expected an address`);
  const known = attackRegistry.map((a) => a.id);
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.find((id) => !known.includes(id));
  if (unknown) throw new UsageError(`--only: unknown attack "${visible(unknown, 80)}"; known: ${known.join(', ')}`);
  const harvestN = values.harvest === undefined ? 30 : Number(values.harvest);
  if (!(Number.isInteger(harvestN) && harvestN >= 1 && harvestN <= 1000)) throw new UsageError(`--harvest ${values.harvest}: expected 1 to 1000`);

  io.err(`mxaudit attack: ${target.host}:${target.port}, recipient ${values.rcpt}${values.xclient ? ', outside addresses via XCLIENT' : ''}`);
  const results = await runAttackSuite({
    host: target.host,
    port: target.port,
    rcpt: values.rcpt,
    group: values.group,
    xclient: !!values.xclient,
    harvest: { recipients: harvestN, concurrency: 8 },
    only,
    signal: io.signal,
    onResult: (r) => io.err(`  ${r.id}: ${r.verdict}${r.asExpected ? '' : ' (not as expected)'}`),
  });
  io.out(attackTable(results));
  if (values.json) {
    await writeFileAtomic(values.json, `${JSON.stringify({ schemaVersion: 1, target: `${target.host}:${target.port}`, rcpt: values.rcpt, xclient: !!values.xclient, results }, null, 2)}\n`);
    io.err(`mxaudit attack: results written to ${values.json}`);
  }
  const ran = results.filter((r) => r.verdict !== 'skipped');
  return ran.every((r) => r.asExpected) ? 0 : 1;
}

/** attack | expected (layer/reply class) | observed reply | verdict. Server text made visible and cut. */
export function attackTable(results: readonly AttackResult[]): string {
  const rows = results.map((r) => [
    r.id,
    `${r.expected.layer} ${r.expected.replyClass} at ${r.expected.stage}`,
    r.observed ? `${r.observed.stage}: ${visible(r.observed.reply, 90)}` : visible(r.detail ?? '', 90),
    `${r.verdict}${r.verdict === 'skipped' ? '' : r.asExpected ? '' : ' (UNEXPECTED)'}`,
  ]);
  const head = ['attack', 'expected (layer/reply class)', 'observed reply', 'verdict'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}
