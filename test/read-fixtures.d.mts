/** File name -> base64 of the file's exact bytes, for every .json in `dir` (empty if `dir` is missing). */
export function readFixtures(dir: string): Record<string, string>;
