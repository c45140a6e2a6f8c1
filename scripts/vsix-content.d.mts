/** Types of scripts/vsix-content.mjs for the unit tests. */
export declare function slug(heading: string): string;
export declare function markdownLinks(markdown: string): Array<{ target: string; image: boolean }>;
export declare function headings(markdown: string): string[];
export declare function linkProblems(markdown: string, name: string): string[];
export declare function manifestProblems(pkg: Record<string, unknown>, entries: string[], nls?: Record<string, string>): string[];
export declare function nlsProblems(pkg: Record<string, unknown>, nls: Record<string, string>): string[];
