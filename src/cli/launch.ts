/**
 * The CLI's entry, dist/cli.js: a few lines that run before the main bundle (dist/cli-main.js, src/cli/main.ts)
 * is read and compiled, which takes 80-120 ms (~3 MB of script). A transcript scan starts its reading thread
 * first, so that the thread's own start overlaps that load (the scan adopts it: reader-thread.ts); a cold
 * scan of 500 MB, 20 interleaved pairs: 30 ms less wall time. The bundle is compiled from a V8 code cache
 * (code-cache.ts): 12 interleaved pairs, 55 ms less.
 */
import path from 'node:path';
import { prestartScanReader } from '../sources/reader-thread';
import { codeCacheDir, requireWithCodeCache } from './code-cache';

if (process.argv[2] === 'scan-transcripts' && !process.argv.includes('--help') && !process.argv.includes('-h')) prestartScanReader();
// Beside this file in dist/ (a path, so that esbuild leaves it to run time), compiled from the code cache.
const cli = requireWithCodeCache(path.join(__dirname, 'cli-main.js'), codeCacheDir()) as typeof import('./main');
// The bundle's `import()` of ES modules goes through this file's (see src/core/esm-import.ts).
cli.setEsmImporter((specifier) => import(specifier));
cli.main();
