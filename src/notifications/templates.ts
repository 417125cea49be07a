export const LANGUAGES = ["en", "zh-CN"] as const;
