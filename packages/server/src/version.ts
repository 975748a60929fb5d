/** The server's version, reported in the API document and `--version`. */
export const SERVER_VERSION = '0.1.0';
