/**
 * `@parley/sdk/protocol` — the wire contract shared by the SDK and the server: zod schemas for
 * REST bodies, error codes, and (with the conversations issue) the Socket.io event maps.
 * Holds no client code, so the server can depend on it.
 */
export {
  ERROR_CODES,
  HTTP_STATUS_BY_CODE,
  isErrorCode,
} from './errors.js';
export type { ErrorBody, ErrorCode } from './errors.js';
export {
  API_PREFIX,
  KDF_DEFAULTS,
  KDF_LIMITS,
  MAX_BUNDLE_BYTES,
  accountKeys,
  authResponse,
  b64u,
  b64uBytes,
  b64uMax,
  changePasswordRequest,
  deleteAccountRequest,
  displayName,
  kdfParams,
  loginRequest,
  preloginRequest,
  preloginResponse,
  publicUser,
  refreshRequest,
  registerRequest,
  sessionIdParam,
  sessionInfo,
  sessionList,
  signedKaKey,
  tokenPair,
  updateBundleRequest,
  userId,
  username,
} from './auth.js';
export type {
  AccountKeys,
  AuthResponse,
  ChangePasswordRequest,
  DeleteAccountRequest,
  KdfParams,
  LoginRequest,
  PublicUser,
  RefreshRequest,
  RegisterRequest,
  SessionInfo,
  SessionList,
  SignedKaKey,
  TokenPair,
  UpdateBundleRequest,
} from './auth.js';
