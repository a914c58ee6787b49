import { watchStdout } from './io.js';
import { main } from './main.js';

watchStdout();

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `omnigent: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
