/** Types of infra/lean-function-zips.cjs, for the TypeScript tests and the bench. */
export interface FunctionZipReport {
  /** The handler module's path in the zip. */
  handlerFile: string;
  files: number;
  javascriptBytes: number;
  /** JavaScript files the handler cannot load, statically or with import(). */
  unreachable: string[];
  /** Groups of files with identical content. */
  duplicates: string[][];
  /** The handler and its static imports, transitively: what a cold start loads. */
  coldStartFiles: string[];
  coldStartBytes: number;
}
export declare function describeFunctionZip(zip: Buffer, handler: string): FunctionZipReport;
export declare function leanZip(zip: Buffer, handler: string): { zip: Buffer; removed: string[] };
export declare function moduleImports(source: string): { static: string[]; dynamic: string[] };
export declare function reachableModules(
  entry: string,
  importsOf: (file: string) => { static: string[]; dynamic: string[] },
  exists: (file: string) => boolean,
  options?: { staticOnly?: boolean },
): Set<string>;
export declare class ZipRewriteError extends Error {}
