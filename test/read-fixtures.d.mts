/** File name -> base64 of each .json file's exact bytes, from the first of `dirs` that holds the fixtures (empty if none does). */
export function readFixtures(...dirs: string[]): Record<string, string>;
