import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Where the knowledge base lives, relative to the repository root. */
export const HELP_DOCS_PATH = join('docs', 'help');

/** One `##` section of a help file: the unit that is indexed and returned. */
export interface HelpSection {
  /** Unique within the knowledge base: `<file>#<heading slug>`. */
  id: string;
  /** The file, relative to the repository root ('docs/help/budgets.md'), so the model can cite it. */
  source: string;
  /** The file's `# Title`. */
  title: string;
  /** The section's `## Heading`; the text before the first `##` is a section headed by the title. */
  heading: string;
  /** The section's Markdown without its `keywords:` line. */
  body: string;
  /** The `keywords:` line: synonyms and Bengali terms, searched but never shown. */
  keywords: string;
}

export class HelpDocsError extends Error {}

const isHelpDir = (dir: string): boolean => {
  try {
    return statSync(dir).isDirectory() && readdirSync(dir).some((f) => f.endsWith('.md'));
  } catch {
    return false;
  }
};

/**
 * The knowledge base folder. Walking up from this file finds the repository's `docs/help` whether the code runs from
 * source (tests, tools/run-ts.js) or from `nest build` output (dist/apps/api/apps/api/src/...): Nest's asset copy
 * cannot place files from outside the app's sourceRoot, and the image keeps the whole repository (`COPY . .`).
 * The working directory is the fallback for a dist copied elsewhere and started from the repository root.
 */
export function findHelpDocsDir(from = __dirname, cwd = process.cwd()): string {
  const tried: string[] = [];
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, HELP_DOCS_PATH);
    tried.push(candidate);
    if (isHelpDir(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  const fromCwd = join(cwd, HELP_DOCS_PATH);
  if (isHelpDir(fromCwd)) return fromCwd;
  throw new HelpDocsError(`No help knowledge base (${HELP_DOCS_PATH}/*.md) above ${from} or in ${cwd}`);
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '');

const KEYWORDS_LINE = /^keywords:\s*(.*)$/i;

/**
 * Splits one help file into sections. A file without a `# Title` or without any text is a broken knowledge base,
 * refused at start-up rather than answered from.
 */
export function parseHelpFile(source: string, markdown: string): HelpSection[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let title: string | null = null;
  const raw: { heading: string | null; lines: string[]; keywords: string[] }[] = [];
  let current: (typeof raw)[number] = { heading: null, lines: [], keywords: [] };
  let inFence = false;
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const h1 = !inFence && /^#\s+(.+?)\s*#*\s*$/.exec(line);
    const h2 = !inFence && /^##\s+(.+?)\s*#*\s*$/.exec(line);
    const keywords = !inFence && KEYWORDS_LINE.exec(line.trim());
    if (h1 && title === null) title = h1[1];
    else if (h2) {
      raw.push(current);
      current = { heading: h2[1], lines: [], keywords: [] };
    } else if (keywords) current.keywords.push(keywords[1]);
    else current.lines.push(line);
  }
  raw.push(current);
  if (title === null) throw new HelpDocsError(`${source} has no "# Title" line`);
  const docTitle = title;

  const sections: HelpSection[] = [];
  const ids = new Set<string>();
  for (const part of raw) {
    const body = part.lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    if (!body) continue;
    const heading = part.heading ?? docTitle;
    let id = `${source}#${slug(heading)}`;
    for (let n = 2; ids.has(id); n++) id = `${source}#${slug(heading)}-${n}`;
    ids.add(id);
    sections.push({ id, source, title: docTitle, heading, body, keywords: part.keywords.join(', ') });
  }
  if (sections.length === 0) throw new HelpDocsError(`${source} has no section with text`);
  return sections;
}

/** Every section of every `*.md` in the folder, in file-name order; `root` makes `source` repository-relative. */
export function loadHelpSections(dir: string, root = dirname(dirname(dir))): HelpSection[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort();
  return files.flatMap((file) => {
    const path = join(dir, file);
    const source = relative(root, path).split('\\').join('/');
    return parseHelpFile(source, readFileSync(path, 'utf8'));
  });
}
