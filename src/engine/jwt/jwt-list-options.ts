import { checkBoolean, checkOneOf, checkPositiveNumber } from '../../shared/option-checks.js';
import { resolveSection, type OptionsSchema, type ResolvedSection } from '../../shared/options-schema.js';
import { checkStoreOption, type StoreOption } from '../store/open-store.js';

/** `jwt.list`: a black list refuses revoked tokens, a white list accepts only the tokens it recorded. */
export interface JwtListOptions {
  /** `black`: refuse revoked tokens. `white`: accept only the tokens `genJwtToken` recorded. */
  type: 'black' | 'white';
  /** A Keyv, or a URL (`redis://…` shares the list between processes). */
  store?: StoreOption;
  /** Milliseconds a list call may take before it counts as an outage. */
  storeTimeout?: number;
  /** Check each token's subject against `revokeSubject` cutoffs (one more read, sent with the list's). */
  subjects?: boolean;
}

/** The `jwt.list` options, declared once (docs/revocation-and-refresh.md shows them). */
export const JWT_LIST_OPTIONS = {
  type: {
    doc: '`black` or `white`.',
    required: true,
    check: (path: string, value: unknown) => checkOneOf(path, value, ['black', 'white'] as const),
  },
  store: {
    doc: 'a `Keyv`, or a `redis://` URL (needs `@keyv/redis`) to share the list between processes.',
    defaultDoc: 'in memory',
    check: checkStoreOption,
  },
  storeTimeout: {
    doc: 'milliseconds a list call may take before it counts as an outage (`ERR_STORE_UNAVAILABLE`).',
    default: 1000,
    check: checkPositiveNumber,
  },
  subjects: {
    doc: "check each token's `sub` against [`revokeSubject`](#revoking-every-token-of-one-user) cutoffs; `false` saves that read.",
    default: true,
    check: checkBoolean,
  },
} as const satisfies OptionsSchema;

export type ResolvedListOptions = ResolvedSection<typeof JWT_LIST_OPTIONS>;

export function resolveListOptions(path: string, input: unknown): ResolvedListOptions {
  return resolveSection(path, JWT_LIST_OPTIONS, input);
}
