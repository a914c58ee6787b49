import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { doctorCommand } from './doctor.js';
import { pluginsCommand } from './plugins.js';
import { runCommand } from './run/index.js';
import { runsCommand } from './runs.js';
import { compareCommand } from './compare.js';
import { matrixCommand } from './matrix/index.js';
import { evalCommand } from './eval/index.js';
import { reportCommand } from './report.js';
import { exportCommand } from './export.js';
import { workflowCommand } from './workflow/index.js';
import { demoCommand } from './demo/index.js';
import { insightsCommand } from './insights.js';
import { importCommand } from './import.js';

/**
 * Adds one command to the CLI. Each command keeps its own argument type inside (yargs' `command()`
 * is generic over it), so the list needs no `any`.
 */
export type CommandRegistration = (cli: Argv<GlobalArgs>) => Argv<GlobalArgs>;

const register =
  <U>(command: CommandModule<GlobalArgs, U>): CommandRegistration =>
  (cli) =>
    cli.command(command);

/**
 * Every command of the CLI. Contract: a command module only imports heavy code inside its
 * handler, so `omnigent --help` stays fast.
 */
export const COMMANDS: CommandRegistration[] = [
  register(runCommand),
  register(pluginsCommand),
  register(doctorCommand),
  register(runsCommand),
  register(compareCommand),
  register(evalCommand),
  register(matrixCommand),
  register(reportCommand),
  register(insightsCommand),
  register(importCommand),
  register(exportCommand),
  register(workflowCommand),
  register(demoCommand),
];
