/** What /proc says about a child process (Linux only; null elsewhere). */
import { readFile } from 'node:fs/promises';

export async function rssMb(pid: number | undefined): Promise<number | null> {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null; // not Linux
  }
}

/** CPU seconds (user+system) a process has used so far, from /proc; null elsewhere. */
export async function cpuSeconds(pid: number | undefined): Promise<number | null> {
  try {
    // Fields after the ")" that closes the command name: utime and stime are the 12th and 13th.
    const rest = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}
