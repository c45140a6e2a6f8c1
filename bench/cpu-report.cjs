// Preloaded into benchmark child processes: reports the process's own CPU time on exit (stderr), so the
// benchmark can compare CPU per event, which shared, busy machines distort far less than wall time.
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\nBENCH_CPU_MS ${((u.user + u.system) / 1000).toFixed(1)}\n`);
});
