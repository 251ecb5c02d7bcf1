/**
 * Reads the example `curl` calls out of README.md, so a changed README changes the test that runs them. Only the
 * shell the examples use is understood (variables, quotes, `;`, comments, line continuations, and the curl flags
 * -s -N -X -H -d); anything else throws, so an example the test cannot run verbatim fails it.
 */

export interface CurlCall {
  /** The command as written in the README, continuation lines joined. */
  source: string;
  method: string;
  /** As written after variable expansion, e.g. `localhost:3000/reports/<id>`. */
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** `-N`: the answer is a stream (Server-Sent Events). */
  stream: boolean;
}

export interface ReadmeCommands {
  calls: CurlCall[];
  /** Commands that are not HTTP calls (`open <url>`), for the test to say it skipped them. */
  skipped: string[];
}

/**
 * The fenced ```bash blocks of a section, up to its next heading (a `#` inside a code fence is not one); with
 * `after`, only the blocks after the line that contains that text.
 */
export function bashBlocks(markdown: string, heading: string, opts: { after?: string } = {}): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
  const blocks: string[] = [];
  let fence: { bash: boolean; lines: string[] } | null = null;
  let reached = opts.after === undefined;
  for (const line of lines.slice(start + 1)) {
    if (fence) {
      if (!line.startsWith('```')) fence.lines.push(line);
      else {
        if (fence.bash && reached) blocks.push(fence.lines.join('\n'));
        fence = null;
      }
    } else if (line.startsWith('```')) fence = { bash: line.trim() === '```bash', lines: [] };
    else if (/^#{1,6} /.test(line)) break;
    else if (opts.after !== undefined && line.includes(opts.after)) reached = true;
  }
  return blocks;
}

type Vars = Record<string, string>;

/** Shell words of one line: quotes removed, `$VAR` expanded except inside single quotes, `;` its own word. */
function words(line: string, vars: Vars): string[][] {
  const commands: string[][] = [[]];
  let word: string | null = null;
  const push = () => {
    if (word !== null) commands[commands.length - 1].push(word);
    word = null;
  };
  const expand = (from: number): [string, number] => {
    const m = /^\$(?:\{(\w+)\}|(\w+))/.exec(line.slice(from));
    if (!m) return ['$', from + 1];
    const name = m[1] ?? m[2];
    if (!(name in vars)) throw new Error(`README example uses $${name}, which the test does not define: ${line}`);
    return [vars[name], from + m[0].length];
  };
  for (let i = 0; i < line.length;) {
    const c = line[i];
    if (/\s/.test(c)) {
      push();
      i++;
    } else if (c === '#' && word === null) {
      break;
    } else if (c === ';') {
      push();
      commands.push([]);
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`Unclosed ' in README example: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let text = '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && /["\\$`]/.test(line[i + 1] ?? '')) {
          text += line[i + 1];
          i += 2;
        } else if (line[i] === '$') {
          const [value, next] = expand(i);
          text += value;
          i = next;
        } else text += line[i++];
      }
      if (i >= line.length) throw new Error(`Unclosed " in README example: ${line}`);
      word = (word ?? '') + text;
      i++;
    } else if (c === '$') {
      const [value, next] = expand(i);
      word = (word ?? '') + value;
      i = next;
    } else if (c === '\\') {
      word = (word ?? '') + (line[i + 1] ?? '');
      i += 2;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  push();
  return commands.filter((c) => c.length > 0);
}

function curl(args: string[], source: string): CurlCall {
  const call: CurlCall = { source, method: '', url: '', headers: {}, body: undefined, stream: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-s') continue;
    if (a === '-N') call.stream = true;
    else if (a.startsWith('-X')) call.method = a.length > 2 ? a.slice(2) : args[++i];
    else if (a === '-H') {
      const header = args[++i];
      const colon = header.indexOf(':');
      call.headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (a === '-d') call.body = args[++i];
    else if (a.startsWith('-')) throw new Error(`README example uses curl ${a}, which the test does not translate`);
    else if (call.url) throw new Error(`README example has two URLs: ${source}`);
    else call.url = a;
  }
  if (!call.url) throw new Error(`README example has no URL: ${source}`);
  // As curl does: -d without -X is a POST.
  call.method ||= call.body === undefined ? 'GET' : 'POST';
  return call;
}

/**
 * The curl calls of some bash blocks, in order. `vars` are the values the README leaves to the reader (tokens);
 * an assignment in the README whose value is a placeholder (`TOKEN=...`) keeps the test's value.
 */
export function curlCalls(blocks: string[], vars: Vars): ReadmeCommands {
  const scope: Vars = { ...vars };
  const out: ReadmeCommands = { calls: [], skipped: [] };
  for (const block of blocks) {
    for (const line of block.replace(/\\\n\s*/g, ' ').split('\n')) {
      for (const command of words(line, scope)) {
        const assignments = command.filter((w) => /^\w+=/.test(w));
        if (assignments.length === command.length) {
          for (const a of assignments) {
            const [name, value] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
            if (value !== '...') scope[name] = value;
          }
        } else if (command[0] === 'curl') out.calls.push(curl(command.slice(1), line.trim()));
        else if (command[0] === 'npm') continue;
        else out.skipped.push(command.join(' '));
      }
    }
  }
  return out;
}

/**
 * The statuses the README's endpoint table gives a route: every bold **NNN** in its row, and 200 when none of them
 * is a success. Found by matching the call's method and path against the table's `METHOD /path/:param` cells.
 */
export function documentedStatuses(markdown: string, method: string, path: string): number[] | null {
  for (const row of markdown.split('\n').filter((l) => l.startsWith('| `'))) {
    const cell = /^\| `([A-Z]+) ([^`?]+)/.exec(row);
    if (!cell || cell[1] !== method) continue;
    const pattern = new RegExp(`^${cell[2].trim().replace(/:[a-z]+/gi, '[^/]+')}$`);
    if (!pattern.test(path)) continue;
    const statuses = [...row.matchAll(/\*\*(\d{3})\*\*/g)].map((m) => Number(m[1]));
    return statuses.some((s) => s < 300) ? statuses : [200, ...statuses];
  }
  return null;
}
