// CLI composition root: `mxaudit <command>`. Plain Node: never imports electron.
import { UsageError, type CliIo } from './io.js';
import { visible } from '../../shared/visible-text.js';
import { toolVersion } from '../version.js';
import { tuneForOneShot } from './one-shot-tuning.js';

const help = `mxaudit ${toolVersion}: mail server security tester

Usage: mxaudit <command> [options]

Commands:
  probe <host[:port]>...   probe SMTP servers and report findings (mxaudit probe --help)
  dns-serve --zones FILE   run the embedded lab DNS server with zones from a file
  gateway [--lab]          run the reference filtering gateway (mxaudit gateway --help)
  attack <host[:port]>     send the attack suite to a gateway you may test (mxaudit attack --help)
  lab                      start the reference gateway on loopback, probe it, write the reports
  compare <target.json>    compare a target assessment with the reference (mxaudit compare --help)
  report <assessment.json> write PDF, HTML, CSV or JSON reports (mxaudit report --help)
  serve [--port N]         the desktop app's UI in a browser, on 127.0.0.1 (mxaudit serve --help)

Run 'mxaudit <command> --help' for a command's options.`;

/** Commands that run once and exit (the rest serve until stopped). */
const ONE_SHOT = new Set(['probe', 'attack', 'lab', 'compare', 'report']);

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (ONE_SHOT.has(command ?? '')) tuneForOneShot();
  try {
    switch (command) {
      // Each command is loaded when used: a probe does not pay for the gateway's modules at start-up.
      case 'probe':
        return await (await import('./probe-command.js')).probeCommand(rest, io);
      case 'dns-serve':
        return await (await import('./dns-serve-command.js')).dnsServeCommand(rest, io);
      case 'gateway':
        return await (await import('./gateway-command.js')).gatewayCommand(rest, io);
      case 'attack':
        return await (await import('./attack-command.js')).attackCommand(rest, io);
      case 'lab':
        return await (await import('./lab-command.js')).labCommand(rest, io);
      case 'compare':
        return await (await import('./compare-command.js')).compareCommand(rest, io);
      case 'report':
        return await (await import('./report-command.js')).reportCommand(rest, io);
      case 'serve':
        return await (await import('./serve-command.js')).serveCommand(rest, io);
      case '--version':
      case '-v':
        io.out(toolVersion);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(rest[0] === 'probe' ? (await import('./probe-command.js')).probeHelp : help);
        return 0;
      default:
        throw new UsageError(`unknown command "${visible(command, 80)}"`);
    }
  } catch (err) {
    const e = err as Error & { code?: string };
    // parseArgs reports unknown or malformed options with ERR_PARSE_ARGS_* codes.
    if (err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      const sub = ['probe', 'dns-serve', 'gateway', 'attack', 'lab', 'compare', 'report', 'serve'].includes(command ?? '') ? `${command} ` : '';
      io.err(`mxaudit: ${e.message}\nRun 'mxaudit ${sub}--help' for usage.`);
      return 2;
    }
    io.err(`mxaudit: unexpected error: ${e.stack ?? e.message}`);
    return 3;
  }
}

/** Entry used by main/cli/bin.mjs. */
export async function run(): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nmxaudit: cancelling...\n');
    controller.abort(new Error('cancelled by user'));
  });
  const code = await main(process.argv.slice(2), {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    signal: controller.signal,
  });
  process.exitCode = code;
}
