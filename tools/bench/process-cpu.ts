import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | null | undefined;

function ticksPerSecond(): number | null {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || null;
    } catch {
      clockTicks = null;
    }
  }
  return clockTicks;
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat: for a process that exposes no
 * metrics of its own, such as the test MongoDB. Null where there is no /proc (not Linux) or the process is gone.
 */
export function processCpuSeconds(pid: number | undefined): number | null {
  const ticks = ticksPerSecond();
  if (!pid || !ticks) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself hold spaces: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return null;
  }
}
