// The version written into every assessment; one source of truth: package.json.
import pkg from '../package.json';

export const toolVersion: string = pkg.version;
