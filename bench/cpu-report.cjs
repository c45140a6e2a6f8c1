// Preloaded into benchmark child processes: reports the process's own CPU time on exit (stderr), so the
// benchmark can compare CPU per event, which shared, busy machines distort far less than wall time.
// Only the main thread reports: --require preloads run in worker threads too, and process.cpuUsage() there
// is the whole process's, so a worker's report would count the process twice.
if (require('node:worker_threads').isMainThread) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    process.stderr.write(`\nBENCH_CPU_MS ${((u.user + u.system) / 1000).toFixed(1)}\n`);
  });
}
