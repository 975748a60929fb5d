/** The key directory: finding users and their public keys, publishing rotated keys. */
export { registerDirectoryRoutes } from './directory-routes.js';
