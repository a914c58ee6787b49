import { WORK_KINDS, type WorkKind } from './types.js';

/** What the classifier looks at: the prompt, and (when known) the files the run changed and its tool mix. */
export interface KindInput {
  prompt: string;
  /** Paths the run changed (`file.changed`), when known. */
  files?: readonly string[];
  /** Tool calls by tool kind (`shell`, `read`, `edit`…), when known. */
  toolKinds?: Readonly<Record<string, number>>;
}

/** The classifier's answer. */
export interface KindGuess {
  kind: WorkKind;
  /**
   * 0..1: how far the winner is ahead of the runner-up. Contract: below {@link LOW_CONFIDENCE}
   * the prompt had little or no signal (the kind is a fallback).
   */
  confidence: number;
  /** Points per kind (every rule that matched added its weight), for debugging and tests. */
  scores: Record<WorkKind, number>;
}

/** Confidence under which a classified kind is a fallback rather than a reading of the prompt. */
export const LOW_CONFIDENCE = 0.35;

interface Rule {
  kind: WorkKind;
  re: RegExp;
  /** Points when the pattern occurs anywhere. */
  w: number;
  /** Extra points when it opens the prompt (the first few words: the request's main verb). */
  lead?: number;
}

// Why rules and not a model: the classification must be offline, instant and the same on every
// machine; the labelled set (test/fixtures/kinds-labelled.jsonl) keeps the rules honest.
const RULES: Rule[] = [
  // bugfix: symptoms and the verbs that go with them
  { kind: 'bugfix', re: /\b(fix(es|ed|ing)?|hotfix|repair)\b/, w: 3, lead: 2 },
  {
    kind: 'bugfix',
    re: /\b(bugs?|crash(es|ed|ing)?|broken|regression|segfault|panic|deadlock|race condition|memory leak|leaks?)\b/,
    w: 3,
  },
  {
    kind: 'bugfix',
    re: /\b(error|exception|stack ?trace|traceback|uncaught|unexpected token|typeerror|referenceerror|enoent|econnrefused|eacces|ts\d{4}|exit code [1-9])\b/,
    w: 2,
  },
  { kind: 'bugfix', re: /\b[a-z]*(error|exception):/, w: 2 },
  { kind: 'bugfix', re: /\b(fails?|failing|failed|failure)\b/, w: 3 },
  {
    kind: 'bugfix',
    re: /\b(doesn'?t|does not|don'?t|no longer|never|isn'?t|is not|won'?t) (work|set|show|load|run|match|start|save|render|build|compile)s?\b|\bnot (working|loading|showing|rendering|saving|updating)\b|\bignores?\b|\bdoes nothing\b|\bnan\b|\b100% cpu\b|\bspins?\b|\bfreezes?\b/,
    w: 3,
  },
  {
    kind: 'bugfix',
    re: /\b(wrong|incorrect|off by one|garbled|hangs?|stuck|twice|duplicated? (emails?|rows?|entries|requests?)|flaky|red|401|403|500|502|503|404|overlaps?|misaligned|cut off|skips?|drops?|loses?)\b/,
    w: 2,
  },
  { kind: 'bugfix', re: /\b(debug|users report|reported|make (it|them) (green|pass|work))\b/, w: 2, lead: 1 },
  // feature: building something new
  {
    kind: 'feature',
    re: /\b(add|implement|create|build|introduce|integrate|hook up|wire up|let users|allow|enable|support)\b/,
    w: 2,
    lead: 2,
  },
  {
    kind: 'feature',
    re: /\b(new|feature|endpoint|option|flag|command|page|screen|button|webhook|metric|mode|setting|translations?|component)\b/,
    w: 1,
  },
  {
    kind: 'feature',
    re: /\b(expose|make (the|it) [a-z]+ (resizable|configurable|sortable|searchable)|write a (function|script|cli|command|class|module))\b/,
    w: 2,
    lead: 1,
  },
  { kind: 'feature', re: /\bwe need\b/, w: 1 },
  // refactor: same behaviour, better shape
  {
    kind: 'refactor',
    re: /\b(refactor(ing)?|restructure|reorgani[sz]e|modulari[sz]e|decouple|extract|inline|simplify|consolidate|deduplicate|de-?dup|tidy)\b/,
    w: 3,
    lead: 2,
  },
  { kind: 'refactor', re: /\b(rename|split|move)\b.*?\b(to|into|out of|everywhere)\b/, w: 3, lead: 1 },
  {
    kind: 'refactor',
    re: /\b(clean ?up|dead code|duplicat(ed|ion)|no behaviou?r change|get rid of|replace\b.*?\bwith|pull\b.*?\bout|async\/await|stricter|nesting|convert (the )?callbacks|break up|into smaller|reusable|duplication|split it up|single source of truth|copies)\b/,
    w: 2,
  },
  { kind: 'refactor', re: /\bmigrate the (class|callback|legacy|old) /, w: 3 },
  // test: writing or improving tests (fixing red ones is bugfix)
  {
    kind: 'test',
    re: /\b(write|add|create|increase|improve|more)\b[^.]*\b(tests?|specs?|coverage|fixtures?)\b/,
    w: 3,
    lead: 1,
  },
  {
    kind: 'test',
    re: /\b(unit tests?|e2e tests?|integration tests?|snapshot tests?|property-based|test coverage|test cases?|regression test|pytest|vitest|jest|fast-check|covered by tests|test suite)\b/,
    w: 2,
  },
  { kind: 'test', re: /\btests?\b/, w: 1 },
  { kind: 'test', re: /^test\b/, w: 3 },
  // docs
  {
    kind: 'docs',
    re: /\b(readme|docs?|documentation|document|jsdoc|docstrings?|changelog|guide|tutorial|adr|usage examples|release notes|api reference|faq)\b/,
    w: 3,
    lead: 1,
  },
  { kind: 'docs', re: /\bcomments\b/, w: 2 },
  { kind: 'docs', re: /\b(typos?|spelling|wording)\b/, w: 4 },
  { kind: 'docs', re: /\b(in|to|into) the (readme|docs)\b/, w: 2 },
  { kind: 'docs', re: /\b[\w-]+\.md\b|\btranslate the readme\b/, w: 2 },
  // review
  { kind: 'review', re: /\b(review|critique|audit|look over|feedback)\b/, w: 3, lead: 2 },
  {
    kind: 'review',
    re: /\b(pr|pull request|diff|last (\d+ )?commits?|my changes|this branch|safe to merge|before i (open|merge))\b/,
    w: 2,
  },
  { kind: 'review', re: /\bcheck (whether|if|the changes|my|this)\b/, w: 2 },
  { kind: 'review', re: /\bwhat do you think (of|about)\b|\b(good enough|double-check|anything is off)\b/, w: 3 },
  { kind: 'review', re: /\b(security (problems|issues|review)|injection)\b/, w: 1 },
  // plan
  {
    kind: 'plan',
    re: /\b(plan|design|propose|proposal|roadmap|rfc|outline|architecture|break down|trade-?offs?|milestones?)\b/,
    w: 3,
    lead: 2,
  },
  {
    kind: 'plan',
    re: /\b(don'?t write (any )?code|no code|before implementing|think through|best approach|what would it take|options with|list the (work|steps|risky))\b/,
    w: 3,
  },
  { kind: 'plan', re: /^(how should (we|i)|what should the (roadmap|plan|design))\b/, w: 4 },
  { kind: 'plan', re: /\b(draft|steps)\b/, w: 1 },
  // analysis / question
  {
    kind: 'analysis',
    re: /^(what|why|where|which|who|when|how|is there|are there|does|do we|can you tell|tell me)\b/,
    w: 2,
    lead: 1,
  },
  { kind: 'analysis', re: /\?\s*$/, w: 1 },
  {
    kind: 'analysis',
    re: /\b(explain|walk me through|overview|summari[sz]e|analy[sz]e|investigate|understand|measure|find (all|where|out)|list (all|the)(?! (work|steps|risky))|how many|what is the difference|group them)\b/,
    w: 3,
    lead: 1,
  },
  {
    kind: 'analysis',
    re: /\b(depend on|how (does|is)|what does|where is|tell me|trace how|never called|what happens when)\b/,
    w: 2,
  },
  // chore: dependencies, tooling, CI, releases
  {
    kind: 'chore',
    re: /\b(bump|upgrade|dependencies|deps|lockfile|package manager|dependabot|renovate)\b/,
    w: 3,
    lead: 2,
  },
  {
    kind: 'chore',
    re: /\b(ci|github actions?|pipeline|lint(er|ing)?|eslint|prettier|biome|format(ting)?|release|publish|version bump|tag|license headers?|copyright)\b/,
    w: 2,
    lead: 1,
  },
  {
    kind: 'chore',
    re: /(\bdockerfile|\bdocker-compose|\bmakefile|\.gitignore|\.nvmrc|\.editorconfig|\btsconfig)\b/,
    w: 4,
  },
  { kind: 'chore', re: /\b(set up|setup|configure|switch (from|to|the))\b/, w: 1, lead: 1 },
  {
    kind: 'chore',
    re: /\b(remove the unused|unused dependencies|regenerate|pre-commit|husky|hooks? that run|node version|engines|build artifacts)\b/,
    w: 3,
  },
];

// When scores tie, the more specific kind wins (a "fix" that mentions tests is still a fix).
const TIE_ORDER: WorkKind[] = ['bugfix', 'review', 'plan', 'test', 'docs', 'refactor', 'chore', 'analysis', 'feature'];

const LEAD_WORDS = 3;
const POLITE =
  /^((hey|hi|ok|okay|so|now|hmm|please|pls|can you|could you|would you|will you|i want you to|i'd like you to|let'?s|we need to|go ahead and|help me)[ ,]+)+/;

const DOC_FILE = /(\.(md|mdx|rst|adoc|txt)$|(^|\/)docs?\/|(^|\/)(readme|changelog|license)[^/]*$)/i;
const TEST_FILE =
  /((^|\/)(tests?|__tests__|spec|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)test_[^/]+\.py$|_test\.(go|py)$)/i;

function emptyScores(): Record<WorkKind, number> {
  const s = {} as Record<WorkKind, number>;
  for (const k of WORK_KINDS) s[k] = 0;
  return s;
}

/**
 * Classify a run's kind of work, offline and deterministically. Contract: the same input always
 * gives the same answer; a prompt with no signal is `analysis` when it asks a question, else
 * `feature`, with a confidence under {@link LOW_CONFIDENCE}. Files changed (all docs, all tests)
 * and a tool mix without any edit add evidence when given.
 */
export function classifyKind(input: KindInput): KindGuess {
  const text = input.prompt.toLowerCase().replace(/\s+/g, ' ').trim();
  // "can you add…", "please fix…": the request's verb comes after the courtesy
  const lead = text.replace(POLITE, '').split(' ').slice(0, LEAD_WORDS).join(' ');
  const scores = emptyScores();
  for (const r of RULES) {
    if (!r.re.test(text)) continue;
    scores[r.kind] += r.w;
    if (r.lead && r.re.test(lead)) scores[r.kind] += r.lead;
  }
  const files = input.files ?? [];
  if (files.length) {
    if (files.every((f) => DOC_FILE.test(f))) scores.docs += 3;
    else if (files.every((f) => TEST_FILE.test(f))) scores.test += 3;
  }
  const tools = input.toolKinds;
  if (tools && !files.length) {
    const edits = (tools.edit ?? 0) + (tools.write ?? 0);
    const looks = (tools.read ?? 0) + (tools.search ?? 0);
    // read and searched, changed nothing: a question or a review, not a build
    if (edits === 0 && looks > 0) scores.analysis += 1;
  }
  const ranked = [...WORK_KINDS].sort((a, b) => scores[b] - scores[a] || TIE_ORDER.indexOf(a) - TIE_ORDER.indexOf(b));
  const top = scores[ranked[0]!];
  const second = scores[ranked[1]!];
  if (top === 0) {
    const kind: WorkKind = /\?\s*$/.test(text) ? 'analysis' : 'feature';
    return { kind, confidence: 0.2, scores };
  }
  // A lone weak match is a guess; a clear lead over the runner-up is near-certain.
  const confidence = Math.min(0.95, (top - second + 1) / (top + 2));
  return { kind: ranked[0]!, confidence: Math.round(confidence * 100) / 100, scores };
}

/** Whether `value` is a work kind (`--kind`, a step's `kind:`). */
export function isWorkKind(value: unknown): value is WorkKind {
  return typeof value === 'string' && (WORK_KINDS as readonly string[]).includes(value);
}
