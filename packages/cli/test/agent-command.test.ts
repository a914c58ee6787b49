import { describe, expect, it } from 'vitest';
import { splitCommand } from '../src/agent-command.js';

describe('splitCommand (--agent "<command>")', () => {
  it('splits words like a shell: quotes group, backslashes escape, nothing is expanded', () => {
    expect(splitCommand('npx  @zed-industries/claude-agent-acp')).toEqual(['npx', '@zed-industries/claude-agent-acp']);
    expect(splitCommand(`my-agent --name "two words" 'single $HOME' a\\ b ""`)).toEqual([
      'my-agent',
      '--name',
      'two words',
      'single $HOME',
      'a b',
      '',
    ]);
    expect(splitCommand('"/opt/my agent/bin" --acp')).toEqual(['/opt/my agent/bin', '--acp']);
  });

  it('an unclosed quote or an empty command is a usage error', () => {
    expect(() => splitCommand('agent "oops')).toThrow(/unclosed " quote/);
    expect(() => splitCommand('   ')).toThrow(/--agent is empty/);
  });
});
