import { describe, expect, it } from 'vitest';
import { acpOptions, decidePermission } from '../src/index.js';

const bash = { kind: 'execute', names: ['Bash', 'npm test'] };
const edit = { kind: 'edit', names: ['Edit', 'Edit src/a.ts'] };
const read = { kind: 'read', names: ['Read'] };

describe('decidePermission', () => {
  it('bypass allows even what a deny rule names; read-only ignores allow rules for anything but looking', () => {
    const opts = acpOptions({ permissions: { allow: ['execute'], deny: ['Bash'] } });
    expect(decidePermission('bypass', bash, opts).allow).toBe(true);
    expect(decidePermission('read-only', bash, acpOptions({ permissions: { allow: ['execute'] } })).allow).toBe(false);
    expect(decidePermission('read-only', read, opts).allow).toBe(true);
  });

  it('deny wins over allow; patterns match names and titles; a rejection says how to allow it', () => {
    const opts = acpOptions({ permissions: { allow: ['execute'], deny: ['npm *'] } });
    expect(decidePermission('default', bash, opts)).toEqual({ allow: false, because: 'deny rule "npm *"' });
    const none = decidePermission('default', bash, acpOptions({}));
    expect(none.allow).toBe(false);
    expect(none.because).toContain('--allowed-tools "Bash"');
    expect(decidePermission('accept-edits', edit, acpOptions({})).allow).toBe(true);
    expect(decidePermission('default', edit, acpOptions({})).allow).toBe(false);
    expect(decidePermission('default', bash, acpOptions({}), { allow: ['Bash'] }).allow).toBe(true);
  });

  it('options with wrong types are dropped, not trusted', () => {
    const opts = acpOptions({
      permissions: { allow: 'execute', deny: [1, 'Bash'], fallback: 'maybe' },
      fs: 'no',
      modes: { bypass: 3, 'accept-edits': 'auto', nonsense: 'x' },
    });
    expect(opts.permissions).toEqual({ deny: ['Bash'] });
    expect(opts.fs).toBe(true);
    expect(opts.modes).toEqual({ 'accept-edits': 'auto' });
  });
});
