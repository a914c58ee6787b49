import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { doctorCommand } from './doctor.js';
import { pluginsCommand } from './plugins.js';
import { runCommand } from './run/index.js';
import { runsCommand } from './runs.js';
import { compareCommand } from './compare.js';
import { matrixCommand } from './matrix/index.js';
import { reportCommand } from './report.js';
import { exportCommand } from './export.js';
import { workflowCommand } from './workflow/index.js';
import { demoCommand } from './demo/index.js';
import { insightsCommand } from './insights.js';
import { importCommand } from './import.js';

/**
 * Every command of the CLI. Contract: a command module only imports heavy code inside its
 * handler, so `omnigent --help` stays fast.
 */
export const COMMANDS: Array<CommandModule<GlobalArgs, any>> = [runCommand, pluginsCommand, doctorCommand, runsCommand, compareCommand, matrixCommand, reportCommand, insightsCommand, importCommand, exportCommand, workflowCommand, demoCommand];
