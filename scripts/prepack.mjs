#!/usr/bin/env node
// Runs as every package's `prepack` (`pnpm pack`, `npm pack`, `changeset publish` all run it): deletes
// dist and builds it again, so a tarball never holds an unbuilt package (only package.json) nor stale
// files left in dist by a source file that was renamed or deleted since the last build.
// Workspace dependencies must be built first (`pnpm -r pack` and `pnpm release` run in dependency order).
import { copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

rmSync('dist', { recursive: true, force: true });
// The one LICENSE lives at the repository root; npm and pnpm pack only a package's own, so each tarball gets a copy
// (git-ignored in the package folders).
copyFileSync(fileURLToPath(new URL('../LICENSE', import.meta.url)), 'LICENSE');
// The package manager that runs this hook (pnpm or npm) also runs the build, so neither must be installed twice.
const execPath = process.env.npm_execpath;
const [cmd, args] =
  execPath && /\.(c|m)?js$/.test(execPath)
    ? [process.execPath, [execPath, 'run', 'build']]
    : [execPath || 'pnpm', ['run', 'build']];
const result = spawnSync(cmd, args, { stdio: 'inherit' });
if (result.status !== 0) {
  console.error(
    `prepack: the build of ${process.cwd()} failed (exit ${result.status ?? result.signal}); nothing was packed.`,
  );
  process.exit(1);
}
