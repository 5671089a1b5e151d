//! Random tokens (sessions, devices, CSRF, keys), the digest a token is stored by, and keyed
//! digests under the server key.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};

/// A fresh random token of 256 bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The digest a session token is stored and looked up by: SHA-256, never a slow hash.
pub fn token_digest(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// HMAC-SHA256 of a value under a secret, for one purpose (so digests for different purposes
/// never coincide).
pub fn keyed_bytes(secret: &[u8], purpose: &str, value: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_digests_stable() {
        let a = random_token();
        assert!(a.len() >= 43);
        assert_ne!(a, random_token());
        assert_eq!(token_digest("x"), token_digest("x"));
        assert_ne!(token_digest(&a), a);
    }
}
