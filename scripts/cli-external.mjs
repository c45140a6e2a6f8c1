/** Packages the CLI bundle loads at run time instead of bundling (native modules): esbuild.mjs leaves them
 * external, and the CLI package (scripts/pack-cli.mjs) depends on those the bundle uses. */
export const CLI_EXTERNAL = ['@duckdb/node-api'];
