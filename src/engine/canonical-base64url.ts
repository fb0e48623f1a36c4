/**
 * The bytes of `text` when it is the one canonical base64url spelling of them, else undefined. Node's decoder
 * ignores the spare low bits of the last character, so up to 16 strings decode to the same bytes: a credential
 * that is compared or looked up as bytes would otherwise have aliases.
 */
export function decodeCanonicalBase64url(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
