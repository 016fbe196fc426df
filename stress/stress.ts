/** Placeholder until the swarm runner lands: `npm run stress` entry point. */
export async function stressCommand(_argv: string[]): Promise<number> {
  console.error('stress: the swarm runner is not built yet');
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  stressCommand(process.argv.slice(2)).then((c) => (process.exitCode = c));
}
