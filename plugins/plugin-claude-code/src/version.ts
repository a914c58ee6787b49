// Generated from package.json by ../write-version.mjs (run by `pnpm build`); do not edit.

/** This plugin package's name. */
export const PACKAGE_NAME = '@omnigent/plugin-claude-code';

/** This plugin package's version. */
export const VERSION = '0.0.0';
