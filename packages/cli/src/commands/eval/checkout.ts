import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { ConfigError } from '@omnigent/core';
import type { EvalTask } from './task-file.js';

/** Where a task's starting code comes from, resolved once per eval. */
export interface TaskSource {
  /** `worktree`: a detached git worktree at `commit`; `copy`: a plain copy of the folder. */
  kind: 'worktree' | 'copy';
  /** The folder (copy) or the task's folder inside the repository (worktree). */
  dir: string;
  gitTop?: string;
  commit?: string;
  /** Said once before the cells run (uncommitted changes left out…). */
  note?: string;
  /** Removes what preparing made (a clone of a remote repository). */
  dispose: () => void;
}

/** An isolated checkout of one cell. */
export interface Checkout {
  /** Root of the copy or worktree. */
  root: string;
  /** Where the harness runs and the checks run: the root plus the task's `cwd`. */
  workdir: string;
  remove: () => Promise<void>;
}

function git(args: string[], cwd: string): Promise<{ ok: boolean; out: string }> {
  return new Promise((done) => {
    execFile('git', args, { cwd, encoding: 'utf8' }, (error, stdout, stderr) =>
      done({ ok: !error, out: error ? `${stderr || error.message}`.trim() : stdout.trim() }),
    );
  });
}

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/**
 * Resolve a task's starting code. Contract: the top folder of a git repository starts from HEAD in
 * a detached worktree per cell, unless a check file lies inside the repository (the agent could
 * read it there); a folder inside a larger repository, or no repository, is copied; `ref:` always
 * makes a worktree at that ref (and then refuses check files inside the repository); a URL is
 * cloned once. Throws a ConfigError for a ref or URL that git cannot resolve.
 */
export async function prepareSource(task: EvalTask): Promise<TaskSource> {
  let dir = task.repo;
  let dispose = (): void => undefined;
  if (/^(?:[a-z+]+:\/\/|git@)/.test(task.repo)) {
    const tmp = mkdtempSync(join(tmpdir(), 'omnigent-eval-clone-'));
    const cloned = await git(['clone', '--quiet', task.repo, join(tmp, 'repo')], tmp);
    if (!cloned.ok) {
      rmSync(tmp, { recursive: true, force: true });
      throw new ConfigError(`cannot clone ${task.repo}: ${cloned.out.split('\n')[0]}`, {
        file: task.file,
        key: 'repo',
      });
    }
    dir = join(tmp, 'repo');
    dispose = () => rmSync(tmp, { recursive: true, force: true });
  }
  const top = await git(['rev-parse', '--show-toplevel'], dir);
  const gitTop = top.ok ? top.out : undefined;
  const checkFiles = task.checks.flatMap((c) => c.files);
  const hiddenInRepo = gitTop !== undefined && checkFiles.some((f) => inside(f, gitTop));
  // a folder inside a larger repository (an example beside others) is copied: a worktree would
  // hand the agent the whole repository, other tasks' hidden files included
  const isTop = gitTop !== undefined && realpathSync(gitTop) === realpathSync(dir);
  if (gitTop && ((isTop && !hiddenInRepo) || task.ref)) {
    if (hiddenInRepo)
      throw new ConfigError(
        `a check file lies inside the git repository ${gitTop}: with ref: the agent would find it in the checkout; keep check files outside the repository`,
        { file: task.file, key: 'checks' },
      );
    const head = await git(['rev-parse', '--verify', `${task.ref ?? 'HEAD'}^{commit}`], gitTop);
    if (head.ok) {
      const dirty = task.ref ? undefined : await git(['status', '--porcelain', '--untracked-files=no'], gitTop);
      return {
        kind: 'worktree',
        dir,
        gitTop,
        commit: head.out,
        ...(dirty?.ok && dirty.out
          ? {
              note: `note: uncommitted changes in ${gitTop} are not in the worktrees (they start at HEAD ${head.out.slice(0, 10)})`,
            }
          : {}),
        dispose,
      };
    }
    if (task.ref)
      throw new ConfigError(`git cannot find ref ${task.ref} in ${gitTop}: ${head.out.split('\n')[0]}`, {
        file: task.file,
        key: 'ref',
      });
  } else if (task.ref && !gitTop) {
    throw new ConfigError(`ref: ${task.ref} needs a git repository, and ${dir} is none`, {
      file: task.file,
      key: 'ref',
    });
  }
  return { kind: 'copy', dir, dispose };
}

/** A fresh checkout for one cell (`label` names its temp folder). */
export async function checkout(source: TaskSource, task: EvalTask, label: string): Promise<Checkout> {
  const tmp = mkdtempSync(join(tmpdir(), `omnigent-eval-${label.replace(/[^\w.-]+/g, '-').slice(0, 40)}-`));
  if (source.kind === 'worktree') {
    const wt = join(tmp, 'worktree');
    const added = await git(['worktree', 'add', '--detach', '--force', wt, source.commit!], source.gitTop!);
    if (!added.ok) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`git worktree add failed: ${added.out}`);
    }
    return {
      root: wt,
      workdir: join(wt, relative(source.gitTop!, source.dir), task.cwd ?? '.'),
      remove: async () => {
        await git(['worktree', 'remove', '--force', '--force', wt], source.gitTop!);
        rmSync(tmp, { recursive: true, force: true });
      },
    };
  }
  const copy = join(tmp, 'copy');
  cpSync(source.dir, copy, { recursive: true });
  return {
    root: copy,
    workdir: join(copy, task.cwd ?? '.'),
    remove: async () => rmSync(tmp, { recursive: true, force: true }),
  };
}
