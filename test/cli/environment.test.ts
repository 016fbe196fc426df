/** What a report records about where it ran: the commit read without blocking equals the one read with execSync. */
import { describe, expect, it } from 'vitest';
import { gitCommit, gitCommitAsync, runEnvironment, runEnvironmentAsync } from '../../src/cli/environment.js';

describe('run environment', () => {
  it('reads the same commit with and without blocking, and the same environment', async () => {
    const sync = gitCommit();
    expect(sync).toMatch(/^([0-9a-f]{7,}|unknown)$/);
    expect(await gitCommitAsync()).toBe(sync);
    expect(await runEnvironmentAsync()).toEqual(runEnvironment());
  });
});
