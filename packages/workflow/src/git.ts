import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Output of one git command. */
interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

// a fixed identity: snapshot commits must work on machines with no git identity (CI as root)
const IDENTITY = {
  GIT_AUTHOR_NAME: 'omnigent',
  GIT_AUTHOR_EMAIL: 'omnigent@localhost',
  GIT_COMMITTER_NAME: 'omnigent',
  GIT_COMMITTER_EMAIL: 'omnigent@localhost',
};

function git(
  cwd: string,
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      // the user's signing and hook settings must not break or slow down snapshots and worktrees
      ['-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args],
      {
        cwd,
        env: { ...process.env, ...IDENTITY, GIT_TERMINAL_PROMPT: '0', ...options.env },
        maxBuffer: 512 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const code = error
          ? typeof (error as { code?: unknown }).code === 'number'
            ? (error as { code: number }).code
            : 1
          : 0;
        resolve({ stdout, stderr, code });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

async function gitOk(
  cwd: string,
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<string> {
  const r = await git(cwd, args, options);
  if (r.code !== 0) throw new Error(`git ${args[0]} failed in ${cwd}: ${r.stderr.trim() || `exit ${r.code}`}`);
  return r.stdout;
}

/** The top directory of the git work tree containing `dir`, or undefined outside git. */
export async function gitToplevel(dir: string): Promise<string | undefined> {
  const r = await git(dir, ['rev-parse', '--show-toplevel']);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/**
 * The tree object of the work tree as it is now: tracked changes and untracked files included,
 * ignored files left out. Built in a throwaway index, so the user's index is never touched.
 */
export async function snapshotTree(top: string): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'omnigent-index-'));
  try {
    const index = join(scratch, 'index');
    const real = (await gitOk(top, ['rev-parse', '--git-path', 'index'])).trim();
    // starting from a copy of the real index lets git reuse its stat cache instead of hashing every file
    await copyFile(isAbsolute(real) ? real : join(top, real), index).catch(() => undefined);
    const env = { GIT_INDEX_FILE: index };
    await gitOk(top, ['add', '-A', '--', '.'], { env });
    return (await gitOk(top, ['write-tree'], { env })).trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** What changed between two trees: the binary-safe unified diff and the changed paths (repo-relative). */
export async function diffTrees(top: string, from: string, to: string): Promise<{ diff: string; files: string[] }> {
  if (from === to) return { diff: '', files: [] };
  const diff = await gitOk(top, ['diff', '--no-color', '--no-ext-diff', '--binary', from, to]);
  const names = await gitOk(top, ['diff', '--no-color', '--no-ext-diff', '--name-only', '-z', from, to]);
  return { diff, files: names.split('\0').filter(Boolean) };
}

/** A dangling commit of `tree` (parent: HEAD when there is one), so a worktree can start from it. */
export async function commitTree(top: string, tree: string): Promise<string> {
  const head = await git(top, ['rev-parse', '--verify', '-q', 'HEAD']);
  const parent = head.code === 0 ? ['-p', head.stdout.trim()] : [];
  return (await gitOk(top, ['commit-tree', tree, ...parent, '-m', 'omnigent workflow snapshot'])).trim();
}

/** Create a detached worktree at `dir` checked out at `commit`. */
export async function addWorktree(top: string, dir: string, commit: string): Promise<void> {
  await gitOk(top, ['worktree', 'add', '--detach', '--force', dir, commit]);
}

/** Remove a worktree made by {@link addWorktree} (its changes are lost). */
export async function removeWorktree(top: string, dir: string): Promise<void> {
  const r = await git(top, ['worktree', 'remove', '--force', '--force', dir]);
  if (r.code !== 0) {
    await rm(dir, { recursive: true, force: true });
    await git(top, ['worktree', 'prune']);
  }
}

/** Apply a diff made by {@link diffTrees} to the work tree at `top` (the index is left alone). */
export async function applyDiff(top: string, diff: string): Promise<void> {
  if (diff === '') return;
  await gitOk(top, ['apply', '--binary', '--whitespace=nowarn', '-'], { input: diff });
}
