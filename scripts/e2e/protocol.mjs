// What the driver and the extension host agree on; test/integration/support/protocol.ts holds the same strings
// and test/unit/e2e/protocol.test.ts keeps the two equal.

/** Marker that starts every test output line the extension host sends to the driver. */
export const OUTPUT_MARKER = '@@prodlens-test ';
/** Marker that starts a request from a test to the driver (JSON follows). */
export const REQUEST_MARKER = '@@prodlens-driver ';
/** Environment variable naming the folder where the driver writes answers to requests. */
export const DRIVER_DIR_ENV = 'PRODLENS_E2E_DRIVER_DIR';
