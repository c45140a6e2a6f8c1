/** Types of scripts/check-vsix.mjs for the unit tests. */
export declare const DEFAULT_VSIX: string;
export declare const MAX_VSIX_BYTES: number;
export declare const REQUIRED_ENTRIES: string[];
export declare function vsixProblems(entries: string[], bytes: number): string[];
export declare function zipEntries(file: string): Promise<string[]>;
export declare function zipTexts(file: string, names: string[]): Promise<Record<string, string>>;
export declare function contentProblems(file: string, entries: string[]): Promise<string[]>;
