// Shared by telemetry (live export) and the run store (write time), so both redact the same way.
/** What replaces a secret in exported text. */
export const REDACTED = '[REDACTED]';

// Each pattern matches one well-known secret format. Where the secret sits after a label
// (`Bearer`, `password=`), group 1 keeps the label and only the rest is replaced.
const PATTERNS: RegExp[] = [
  // PEM private key blocks, also when cut off before the END line.
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  // Anthropic, OpenAI (project, service account, admin), OpenRouter, DeepSeek… keys.
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  // Stripe secret/restricted keys.
  /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g,
  // GitHub tokens (classic and fine-grained).
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,}/g,
  // GitLab tokens (personal, deploy, runner, pipeline trigger, feed, OAuth app…).
  /\bgl(?:pat|dt|rt|ptt|ft|oas|cbt|imt|agent|soat|ffct)-[A-Za-z0-9_-]{16,}/g,
  // Slack tokens and webhooks.
  /\bxox[abposer]-[A-Za-z0-9-]{10,}/g,
  /\bxapp-\d-[A-Za-z0-9-]{10,}/g,
  /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9/_-]+/g,
  // AWS access key ids.
  /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g,
  // JSON Web Tokens.
  /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  // Google API keys and OAuth access tokens.
  /\bAIza[0-9A-Za-z_-]{35}/g,
  /\bya29\.[0-9A-Za-z_-]{20,}/g,
  // Hugging Face, Groq, xAI, npm, PyPI, Replicate, DigitalOcean, Databricks, Shopify, Linear tokens.
  /\bhf_[A-Za-z0-9]{30,}/g,
  /\bgsk_[A-Za-z0-9]{30,}/g,
  /\bxai-[A-Za-z0-9]{30,}/g,
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\bpypi-AgE[A-Za-z0-9_-]{50,}/g,
  /\br8_[A-Za-z0-9]{30,}/g,
  /\bdo[por]_v1_[a-f0-9]{64}\b/g,
  /\bdapi[a-f0-9]{32}(?:-\d)?\b/g,
  /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/g,
  /\blin_(?:api|oauth)_[A-Za-z0-9]{30,}/g,
  // SendGrid and Twilio keys.
  /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g,
  /\bSK[0-9a-fA-F]{32}\b/g,
  // Telegram bot tokens, also glued to `bot` in the API URL (api.telegram.org/bot<token>/…).
  /(?:\b|(?<=bot))\d{8,10}:AA[A-Za-z0-9_-]{33}\b/g,
];

// Label + secret: the label stays so the text still reads, the value goes.
const LABELLED: RegExp[] = [
  // Authorization schemes.
  /\b((?:Bearer|Basic|Token|Bot)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  // user:password@ in URLs (postgres://, mongodb+srv://, https://, redis://…). The scheme is
  // bounded: an unbounded one rescans a long dotted run from each of its word boundaries.
  /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]*:)[^\s@/]+(?=@)/gi,
  // key=value / key: value where the key names a secret (env files, CLI flags, connection strings).
  // Anchored on the secret word itself (DB_PASSWORD= matches at PASSWORD=, the prefix stays as is):
  // a lazy name prefix before it made long dotted or dashed runs quadratic.
  /((?:api[_-]?key|apikey|access[_-]?key|secret|token|passw(?:or)?d|pwd|credentials?|auth|private[_-]?key|client[_-]?secret|accountkey|sharedaccesskey|sig)\\?["']?\s*[:=]\s*\\?["']?)(?!\[REDACTED\])[^\s"',;&}{)]{4,}/gi,
  // --password value / -p value style flags.
  /(--(?:password|passwd|token|api-key|secret)[ =])[^\s"']+/gi,
];

// Names of environment variables whose values are credentials.
const SECRET_ENV_NAME = /(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|CREDENTIALS?|AUTH|PAT)(?:_|$)/i;
const NOT_SECRET_ENV_NAME = /^(?:.*_(?:PATH|DIR|FILE|URL|HOST|PORT|ID|NAME|MODE|KIND|TYPE|ENABLED|REGION))$/i;

/** Redacts secrets from text and JSON-like values before they leave the process. */
export interface Redactor {
  /** The text with every secret replaced by `[REDACTED]`. */
  text: (value: string) => string;
  /** A deep copy with every string redacted, and values under secret-looking keys replaced. */
  value: (value: unknown) => unknown;
}

/** Options of {@link createRedactor}. */
export interface RedactorOptions {
  /** Environment whose credential-looking variables' values are redacted verbatim. */
  env?: NodeJS.ProcessEnv;
  /** More variable names whose values are secrets (a plugin's `credentialEnv`). */
  secretEnvNames?: string[];
  /** More literal secrets (e.g. exporter header values). */
  literals?: string[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const SECRET_KEY =
  /(?:api[_-]?key|apikey|access[_-]?key|secret|token|passw(?:or)?d|^pwd$|credential|authorization|^auth$|private[_-]?key|cookie)/i;

/** Build a redactor; the environment's credential values are matched literally (longest first). */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const literals = new Set<string>();
  const names = new Set(options.secretEnvNames ?? []);
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!value || value.length < 8) continue;
    if (names.has(name) || (SECRET_ENV_NAME.test(name) && !NOT_SECRET_ENV_NAME.test(name))) literals.add(value);
  }
  for (const l of options.literals ?? []) if (l.length >= 6) literals.add(l);
  const literal = literals.size
    ? new RegExp(
        [...literals]
          .sort((a, b) => b.length - a.length)
          .map(escapeRegExp)
          .join('|'),
        'g',
      )
    : undefined;

  const text = (value: string): string => {
    let out = literal ? value.replace(literal, REDACTED) : value;
    for (const re of PATTERNS) out = out.replace(re, REDACTED);
    for (const re of LABELLED) out = out.replace(re, (_m, label: string) => `${label}${REDACTED}`);
    return out;
  };

  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return text(v);
    if (v === null || typeof v !== 'object') return v;
    // Deeper than this is never walked, so it must not be exported either (a status message
    // serializes the value whole).
    if (depth > 64) return '[nested too deep]';
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out[k] = typeof x === 'string' && SECRET_KEY.test(k) && x.length > 0 ? REDACTED : walk(x, depth + 1);
    }
    return out;
  };
  return { text, value: (v) => walk(v, 0) };
}
