/**
 * CPU profiles through node:inspector, which works in worker threads too
 * (--cpu-prof cannot be passed to a Worker's execArgv). Writes a
 * .cpuprofile that Chrome DevTools and speedscope open.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

export interface Profiler {
  stop(file: string): Promise<void>;
}

export async function startProfiler(): Promise<Profiler> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.start');
  return {
    async stop(file: string): Promise<void> {
      const { profile } = (await post(session, 'Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

function post(session: Session, method: string): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, (err, res) => (err ? reject(err) : resolve(res))));
}
