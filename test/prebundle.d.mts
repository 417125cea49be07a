/** Every package specifier the sources under `dirs` import (and the JSX runtime), for the test pre-bundle. */
export function prebundled(dirs: string[]): string[];
