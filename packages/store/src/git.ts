import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { RunGit } from './types.js';

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function findGitDir(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) {
      if (statSync(dotGit).isDirectory()) return dotGit;
      // A worktree or submodule: `.git` is a file pointing at the real git dir.
      const m = /^gitdir:\s*(.+)$/m.exec(read(dotGit) ?? '');
      return m ? resolve(dir, m[1]!) : undefined;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function resolveRef(gitDir: string, commonDir: string, ref: string): string | undefined {
  for (const d of [gitDir, commonDir]) {
    const loose = read(join(d, ref));
    if (loose && /^[0-9a-f]{40,64}$/.test(loose)) return loose;
  }
  const packed = read(join(commonDir, 'packed-refs')) ?? '';
  for (const line of packed.split('\n')) {
    const [sha, name] = line.split(' ');
    if (name === ref && sha) return sha;
  }
  return undefined;
}

/**
 * The commit (and branch) checked out at `cwd`, read from `.git` directly: no `git` process, so
 * recording a run costs no spawn. Undefined outside a repository or on an unborn branch.
 */
export function readGitState(cwd: string): RunGit | undefined {
  try {
    const gitDir = findGitDir(cwd);
    if (!gitDir) return undefined;
    const common = read(join(gitDir, 'commondir'));
    const commonDir = common ? resolve(gitDir, common) : gitDir;
    const head = read(join(gitDir, 'HEAD'));
    if (!head) return undefined;
    if (/^[0-9a-f]{40,64}$/.test(head)) return { commit: head };
    const m = /^ref:\s*(\S+)$/.exec(head);
    if (!m) return undefined;
    const commit = resolveRef(gitDir, commonDir, m[1]!);
    if (!commit) return undefined;
    return { commit, branch: m[1]!.replace(/^refs\/heads\//, '') };
  } catch {
    return undefined;
  }
}
