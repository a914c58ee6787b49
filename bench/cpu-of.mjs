// Runs the omnigent CLI in this process and writes this process's own CPU time (user + system,
// children excluded: the harnesses, setup steps and checks) as JSON to $BENCH_CPU_OUT at exit.
// Usage: BENCH_CPU_OUT=cpu.json node bench/cpu-of.mjs <omnigent args…>
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const out = process.env.BENCH_CPU_OUT;
process.on('exit', () => {
  const u = process.cpuUsage();
  if (out)
    writeFileSync(
      out,
      JSON.stringify({ userMs: u.user / 1000, systemMs: u.system / 1000, cpuMs: (u.user + u.system) / 1000 }),
    );
});
process.argv = [
  process.argv[0],
  fileURLToPath(new URL('../packages/cli/bin/omnigent.js', import.meta.url)),
  ...process.argv.slice(2),
];
await import('../packages/cli/bin/omnigent.js');
