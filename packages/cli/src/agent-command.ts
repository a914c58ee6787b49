import { UsageError } from '@omnigent/core';

/**
 * Split an agent command line (`--agent "npx my-agent --acp"`) into words as a POSIX shell would
 * for plain words, single and double quotes and backslash escapes; no expansion of any kind.
 * Throws {@link UsageError} on an unclosed quote or an empty command.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote)
    throw new UsageError(
      `--agent "${text}": unclosed ${quote} quote.`,
      'Quote the agent command once, e.g. --agent "npx my-agent --acp".',
    );
  if (inWord) words.push(word);
  if (words.length === 0)
    throw new UsageError(
      '--agent is empty.',
      'Give the command that starts the ACP agent, e.g. --agent "npx @zed-industries/claude-agent-acp".',
    );
  return words;
}
