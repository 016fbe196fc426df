/**
 * CPU time of the calling thread, for the stress report's "CPU per message".
 *
 * Node 20 has no process.threadCpuUsage, and process.cpuUsage() in a worker is the whole
 * process's (every shard, the supervisor and V8's helper threads), so a shard reads its own
 * thread's account from Linux: /proc/thread-self names the calling thread, and a synchronous
 * read runs on that thread. schedstat gives nanoseconds on the CPU; stat's utime + stime (clock
 * ticks, usually 10 ms) is the fallback. Elsewhere there is no per-thread figure: -1.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/…/stat (USER_HZ: 100 on every Linux build Node runs on). */
const USER_HZ = 100;

let source: 'schedstat' | 'stat' | 'none' | null = null;

/** CPU milliseconds this thread has run so far, or -1 when the platform does not say. */
export function threadCpuMs(): number {
  if (source === null || source === 'schedstat') {
    try {
      const ns = Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ', 1)[0]);
      if (Number.isFinite(ns) && ns > 0) {
        source = 'schedstat';
        return ns / 1e6;
      }
    } catch {
      // not Linux, or no schedstats in this kernel: try stat
    }
    source = 'stat';
  }
  if (source === 'stat') {
    try {
      const stat = readFileSync('/proc/thread-self/stat', 'latin1');
      // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // rest[0] is field 3 (state), so utime (14) and stime (15) are rest[11] and rest[12].
      const ticks = Number(rest[11]) + Number(rest[12]);
      if (Number.isFinite(ticks)) return (ticks * 1000) / USER_HZ;
    } catch {
      // fall through
    }
    source = 'none';
  }
  return -1;
}
