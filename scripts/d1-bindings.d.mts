// Types of scripts/d1-bindings.mjs for vitest.config.ts (tsc reads no JavaScript here: allowJs is off).
export type D1DatabaseEntry = { binding: string; databaseName: string | null; databaseId: string | null; previewDatabaseId: string | null };
export function d1DatabasesIn(toml: string): D1DatabaseEntry[];
export function d1Bindings(configPath?: string): string[];
export function d1File(persistDir: string, binding?: string, configPath?: string): string;
