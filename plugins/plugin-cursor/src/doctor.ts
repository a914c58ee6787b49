/** What `omnigent doctor` should tell a user who lacks the Cursor CLI or its credentials. */
export const doctorHint = [
  'Install the Cursor CLI: curl https://cursor.com/install -fsS | bash (puts cursor-agent and agent in ~/.local/bin).',
  'Sign in with `cursor-agent login`, or set CURSOR_API_KEY (API keys need a paid plan).',
  'Free plans can use only --model auto; a named model fails with ActionRequiredError.',
].join('\n');
