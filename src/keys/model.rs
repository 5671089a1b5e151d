//! Signing keys as values: a published public key, its JWK (RFC 8037), JWK thumbprint
//! (RFC 7638) and fingerprint, an organisation's did:web identifier, its DID document and its
//! JWKS (RFC 7517). No IO.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ed25519_dalek::VerifyingKey;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// One organisation's public key as stored and published.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PublicKey {
    /// The key id: the JWK thumbprint (RFC 7638) of the public key.
    pub kid: String,
    pub organisation_id: String,
    /// The 32-byte Ed25519 public key, URL-safe base64 without padding (the JWK's `x`).
    pub public_key: String,
    pub created_at: i64,
    /// When a rotation replaced it; a retired key stays published so old signatures verify.
    pub retired_at: Option<i64>,
}

impl PublicKey {
    /// The key, if the stored text is a valid Ed25519 point.
    pub fn verifying_key(&self) -> Option<VerifyingKey> {
        let bytes: [u8; 32] = URL_SAFE_NO_PAD
            .decode(&self.public_key)
            .ok()?
            .try_into()
            .ok()?;
        VerifyingKey::from_bytes(&bytes).ok()
    }

    pub fn is_current(&self) -> bool {
        self.retired_at.is_none()
    }

    /// The public JWK (OKP, Ed25519) with its `alg`, `use` and `kid`: the verification
    /// method's DID URL (`did:web:…#THUMBPRINT`), exactly what a credential's JWS header
    /// names, so JOSE libraries that match a `kid` exactly find the key.
    pub fn jwk(&self, did: &str) -> Value {
        json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": self.public_key,
            "kid": format!("{did}#{}", self.kid),
            "alg": "EdDSA",
            "use": "sig",
        })
    }

    /// SHA-256 of the SubjectPublicKeyInfo (DER), in hex: what
    /// `openssl pkey -in KEY.pem -pubout -outform DER | sha256sum` prints for the key file.
    pub fn fingerprint(&self) -> String {
        use pkcs8::EncodePublicKey;
        let Some(der) = self
            .verifying_key()
            .and_then(|k| k.to_public_key_der().ok())
        else {
            return String::new();
        };
        Sha256::digest(der.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The public key's text as stored: URL-safe base64 of its 32 bytes.
pub fn encode_public(key: &VerifyingKey) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// The JWK thumbprint (RFC 7638) of an Ed25519 public key: SHA-256 of the required members
/// `crv`, `kty`, `x` in lexicographic order without white space, URL-safe base64.
pub fn thumbprint(key: &VerifyingKey) -> String {
    let canonical = format!(
        r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
        encode_public(key)
    );
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// The organisation's did:web identifier for the server at `public_url`:
/// `did:web:HOST[%3APORT][:PATH…]:orgs:CODE`, which resolves to `/orgs/CODE/did.json` there.
pub fn did_web(public_url: &url::Url, code: &str) -> String {
    let mut did = format!("did:web:{}", public_url.host_str().unwrap_or("localhost"));
    if let Some(port) = public_url.port() {
        did.push_str(&format!("%3A{port}"));
    }
    for segment in public_url.path().split('/').filter(|s| !s.is_empty()) {
        did.push(':');
        did.push_str(segment);
    }
    did.push_str(":orgs:");
    did.push_str(code);
    did
}

/// The DID document: every key (current and retired) as a `JsonWebKey` verification method,
/// each listed under `assertionMethod` (they sign credentials).
pub fn did_document(did: &str, keys: &[PublicKey]) -> Value {
    let methods: Vec<Value> = keys
        .iter()
        .map(|k| {
            json!({
                "id": format!("{did}#{}", k.kid),
                "type": "JsonWebKey",
                "controller": did,
                "publicKeyJwk": k.jwk(did),
            })
        })
        .collect();
    let ids: Vec<String> = keys.iter().map(|k| format!("{did}#{}", k.kid)).collect();
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    })
}

/// The JWK Set (RFC 7517) of the same keys.
pub fn jwks(did: &str, keys: &[PublicKey]) -> Value {
    json!({ "keys": keys.iter().map(|k| k.jwk(did)).collect::<Vec<_>>() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8037, appendix A.2 and A.3: the example key and its thumbprint.
    #[test]
    fn thumbprint_matches_rfc_8037() {
        let x = URL_SAFE_NO_PAD
            .decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
            .unwrap();
        let key = VerifyingKey::from_bytes(&x.try_into().unwrap()).unwrap();
        assert_eq!(
            thumbprint(&key),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn did_web_encodes_the_port_and_keeps_the_path() {
        let url = |u: &str| url::Url::parse(u).unwrap();
        assert_eq!(
            did_web(&url("https://thi.example.edu.vn/"), "SGD-HN"),
            "did:web:thi.example.edu.vn:orgs:SGD-HN"
        );
        assert_eq!(
            did_web(&url("http://127.0.0.1:8080/"), "TT-1"),
            "did:web:127.0.0.1%3A8080:orgs:TT-1"
        );
        assert_eq!(
            did_web(&url("https://example.vn:443/sathach/"), "X1"),
            "did:web:example.vn:sathach:orgs:X1"
        );
    }

    #[test]
    fn documents_list_every_key() {
        let key = |kid: &str, retired| PublicKey {
            kid: kid.into(),
            organisation_id: "o".into(),
            public_key: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo".into(),
            created_at: 1,
            retired_at: retired,
        };
        let keys = [key("old", Some(2)), key("new", None)];
        let doc = did_document("did:web:h:orgs:X", &keys);
        assert_eq!(doc["assertionMethod"][0], "did:web:h:orgs:X#old");
        assert_eq!(
            doc["verificationMethod"][1]["publicKeyJwk"]["kid"],
            "did:web:h:orgs:X#new"
        );
        assert_eq!(
            jwks("did:web:h:orgs:X", &keys)["keys"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(keys[0].fingerprint().len(), 64);
    }
}
