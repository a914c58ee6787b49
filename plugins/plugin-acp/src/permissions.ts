import type { PermissionMode } from '@omnigent/core';
import type { AcpOptions } from './options.js';

/** ACP tool kinds that only look (never change files or run commands). */
const LOOKING = new Set(['read', 'search', 'think', 'fetch']);
/** ACP tool kinds that change files. */
const EDITING = new Set(['edit', 'delete', 'move']);

/** What the policy decided for one permission request, and why (recorded on the event). */
export interface PermissionDecision {
  allow: boolean;
  because: string;
}

/** A tool as a permission request names it. */
export interface PermissionSubject {
  kind: string;
  /** Tool name and title, any of which a rule may match. */
  names: string[];
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return re.test(text);
}

function matches(rules: string[] | undefined, subject: PermissionSubject): string | undefined {
  return (rules ?? []).find((r) => r === subject.kind || subject.names.some((n) => globMatch(r, n)));
}

/**
 * The answer to an agent's `session/request_permission`. Contract: `bypass` allows everything;
 * then a deny rule rejects; `read-only` allows only looking kinds (read, search, think, fetch),
 * whatever the allow rules say; an allow rule allows; `accept-edits` allows looking and editing
 * kinds; the rest falls back to `permissions.fallback` (default: reject), so a headless run never hangs.
 * `--allowed-tools`/`--disallowed-tools` entries count as allow/deny rules.
 */
export function decidePermission(
  mode: PermissionMode | undefined,
  subject: PermissionSubject,
  options: AcpOptions,
  extra: { allow?: string[]; deny?: string[] } = {},
): PermissionDecision {
  if (mode === 'bypass') return { allow: true, because: 'permission mode bypass' };
  const denied = matches([...(options.permissions?.deny ?? []), ...(extra.deny ?? [])], subject);
  if (denied) return { allow: false, because: `deny rule "${denied}"` };
  if (mode === 'read-only') {
    return LOOKING.has(subject.kind)
      ? { allow: true, because: 'permission mode read-only (looking only)' }
      : { allow: false, because: `permission mode read-only (kind ${subject.kind} is more than looking)` };
  }
  const allowed = matches([...(options.permissions?.allow ?? []), ...(extra.allow ?? [])], subject);
  if (allowed) return { allow: true, because: `allow rule "${allowed}"` };
  if (LOOKING.has(subject.kind)) return { allow: true, because: `kind ${subject.kind} only looks` };
  if (mode === 'accept-edits' && EDITING.has(subject.kind))
    return { allow: true, because: 'permission mode accept-edits' };
  const fallback = options.permissions?.fallback ?? 'reject';
  const how =
    fallback === 'reject'
      ? `; allow it with --allowed-tools "${subject.names[0] ?? subject.kind}", options.permissions.allow, or a wider --permission-mode`
      : '';
  return { allow: fallback === 'allow', because: `no rule for kind ${subject.kind} (fallback ${fallback}${how})` };
}

/** Whether a client-side file write is allowed under the mode (the agent asked no permission for it). */
export function writeAllowed(mode: PermissionMode | undefined): boolean {
  return mode !== 'read-only';
}
