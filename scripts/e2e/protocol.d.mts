/** Types of scripts/e2e/protocol.mjs for the unit tests. */
export declare const OUTPUT_MARKER: string;
export declare const REQUEST_MARKER: string;
export declare const DRIVER_DIR_ENV: string;
