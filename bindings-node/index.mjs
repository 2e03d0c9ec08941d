// ESM entry: the CommonJS module's exports, re-exported by name.
import { createRequire } from 'node:module'
const cjs = createRequire(import.meta.url)('./index.js')
export const {
  Client, UserIterator, UserRows, GroupIterator, Preview, User, DirectoryUser, UserStatus, PreparedRequest, SignedRequest, signRequest, VERSION,
  DuoError, DuoApiError, NotFoundError, AuthError, RateLimitedError, InvalidInputError, TransportError, DuoTimeoutError, DecodeError,
  DirectoryClient, DirectoryIterator, DirectoryEvent, verifyWebhook, parseEvent, computeWebhookSignature, WebhookVerificationError,
  Emulator, _forcePanic, _forcePanicAsync
} = cjs
export default cjs
