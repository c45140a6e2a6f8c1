/** Data simulators for tests (see README.md): seeded, deterministic, no I/O. */
export * from './prng';
export * from './calendar';
export * from './intensity';
export * from './developer';
export * from './experiment';
