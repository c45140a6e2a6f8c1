/** Types of scripts/e2e/fixture.mjs for the unit tests. */
export declare const sampleDirs: { workspace: string; home: string };
export declare const WORKSPACE_SLUG: string;
export declare const WORKSPACE_PATH: string;
export declare function claudeProjectSlug(folder: string): string;
export declare function copySamples(src: string, dest: string, workspace: string): void;
export declare function createFixtureWorkspace(options: { workspace: string; home: string; repoSlug?: string }): {
  workspace: string;
  home: string;
  branch: string;
  origin: string;
};
