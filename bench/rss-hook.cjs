// Preloaded with --require by the benchmarks: prints the process's peak resident memory on exit (main thread
// only: preloads run in worker threads too, whose report would be the same process's).
if (require('node:worker_threads').isMainThread) {
  process.on('exit', () => {
    process.stderr.write(`maxRssMb=${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
  });
}
