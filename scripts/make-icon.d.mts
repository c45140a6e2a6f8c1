/** Types of scripts/make-icon.mjs for the unit tests. */
export declare const ICON_SVG: string;
export declare const ICON_PNG: string;
export declare const ICON_SIZE: number;
export declare const SOURCE_KEYWORD: string;
export declare function svgHash(svg?: Buffer): string;
export declare function pngChunks(png: Buffer): Array<{ type: string; data: Buffer }>;
export declare function pngInfo(png: Buffer): { width: number; height: number; colorType: number; text: Record<string, string> };
