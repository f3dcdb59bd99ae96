// `npm run simulator`: runs the Daraja simulator as its own process, prints where it listens and
// the credentials to use, and stops cleanly on SIGINT/SIGTERM.
import { parseSimulatorArgs, usage } from './cli-options';
import { startSimulator } from './index';

async function main(): Promise<void> {
  const options = parseSimulatorArgs(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(usage);
    return;
  }
  const simulator = await startSimulator(options);
  const c = simulator.credentials;
  // Printing credentials is the point here: they are the simulator's own, made up for local use.
  process.stdout.write(
    [
      `Daraja simulator listening on ${simulator.baseUrl}`,
      `  consumer key       ${c.consumerKey}`,
      `  consumer secret    ${c.consumerSecret}`,
      `  B2C shortcode      ${c.shortcode}`,
      `  initiator          ${c.initiatorName} / ${c.initiatorPassword}`,
      `  STK shortcode      ${c.stkShortcode}`,
      `  STK passkey        ${c.passkey}`,
      `  certificate        ${simulator.baseUrl}/simulator/certificate`,
      `  realistic          ${options.realistic ? 'on' : 'off'} (switches: ${simulator.baseUrl}/simulator/faults)`,
      ...(options.statePath === undefined ? [] : [`  state file         ${options.statePath}`]),
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping the simulator\n`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Could not stop cleanly: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
