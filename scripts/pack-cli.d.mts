/** Types of scripts/pack-cli.mjs for the tests. */
export declare const PACK_DIR: string;
export declare function externalPackages(bundle: string, declared?: string[]): string[];
export declare function cliManifest(rootPkg: Record<string, any>, template: Record<string, any>, externals: string[]): Record<string, any>;
export declare function packCli(options?: { build?: boolean }): string;
