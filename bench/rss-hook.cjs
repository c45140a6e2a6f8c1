// Preloaded with --require by the benchmarks: prints the process's peak resident memory on exit.
process.on('exit', () => {
  process.stderr.write(`maxRssMb=${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
});
