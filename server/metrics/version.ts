/**
 * This server's version, from package.json (bundled into the build).
 *
 * @example VERSION // '0.1.0'
 */
import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
