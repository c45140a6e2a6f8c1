/** Types of scripts/cli-external.mjs. */
export declare const CLI_EXTERNAL: string[];
