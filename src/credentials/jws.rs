//! Credentials secured as VC-JOSE-COSE compact JWS: `alg` EdDSA, `typ` `vc+jwt`, `kid` the
//! issuer's did:web verification method, the credential itself as the payload. Signing and
//! checking are the `jsonwebtoken` crate's; this module only chooses the parameters and
//! finds the key a `kid` names in a JWKS or a DID document.

use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation, jwk::Jwk};
use serde_json::Value;

use crate::keys::Signer;

/// The media type of a credential secured this way (and of the files sathach hands out).
pub const MEDIA_TYPE: &str = "application/vc+jwt";

/// Signs `credential` with the organisation's current key.
pub fn sign(signer: &Signer, public_url: &url::Url, credential: &Value) -> anyhow::Result<String> {
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some("vc+jwt".into());
    header.cty = Some("vc".into());
    header.kid = Some(signer.verification_method(public_url));
    Ok(jsonwebtoken::encode(
        &header,
        credential,
        &signer.jose_key()?,
    )?)
}

/// Public keys to check signatures with, each under its key id.
#[derive(Debug, Default)]
pub struct KeySet(Vec<(String, Jwk)>);

impl KeySet {
    /// Reads a JWK Set (`/orgs/CODE/jwks.json`) or a DID document (`/orgs/CODE/did.json`).
    pub fn parse(text: &str) -> Result<KeySet, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut keys = Vec::new();
        if let Some(list) = value["keys"].as_array() {
            for jwk in list {
                let kid = jwk["kid"].as_str().unwrap_or_default().to_string();
                keys.push((kid, parse_jwk(jwk)?));
            }
        } else if let Some(methods) = value["verificationMethod"].as_array() {
            for method in methods {
                let id = method["id"].as_str().unwrap_or_default().to_string();
                keys.push((id, parse_jwk(&method["publicKeyJwk"])?));
            }
        } else {
            return Err("neither a JWK Set (\"keys\") nor a DID document \
                        (\"verificationMethod\")"
                .into());
        }
        Ok(KeySet(keys))
    }

    /// The key a JWS `kid` names: the same id, or the same fragment (a JWKS lists bare
    /// thumbprints, a credential names `did:web:…#THUMBPRINT`).
    pub fn find(&self, kid: &str) -> Option<&Jwk> {
        let fragment = kid.rsplit_once('#').map_or(kid, |(_, f)| f);
        self.0
            .iter()
            .find(|(id, _)| id == kid)
            .or_else(|| {
                self.0
                    .iter()
                    .find(|(id, _)| id.rsplit_once('#').map_or(id.as_str(), |(_, f)| f) == fragment)
            })
            .map(|(_, jwk)| jwk)
    }
}

fn parse_jwk(value: &Value) -> Result<Jwk, String> {
    serde_json::from_value(value.clone()).map_err(|e| format!("a key is not a JWK: {e}"))
}

/// Why a JWS was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum JwsError {
    #[error("not a compact JWS: {0}")]
    Malformed(String),
    #[error("the JWS header has alg {0:?}; credentials are signed with EdDSA")]
    Algorithm(String),
    #[error("the JWS header names no key (kid)")]
    NoKid,
    #[error("no key {0} among the keys given")]
    UnknownKey(String),
    #[error("the signature does not match the content")]
    BadSignature,
}

/// A JWS whose signature checked out.
pub struct Verified {
    pub kid: String,
    pub payload: Value,
}

/// Checks the signature of `token` with the key its `kid` names in `keys`.
pub fn verify(token: &str, keys: &KeySet) -> Result<Verified, JwsError> {
    let token = token.trim();
    let header =
        jsonwebtoken::decode_header(token).map_err(|e| JwsError::Malformed(e.to_string()))?;
    if header.alg != Algorithm::EdDSA {
        return Err(JwsError::Algorithm(format!("{:?}", header.alg)));
    }
    let kid = header.kid.ok_or(JwsError::NoKid)?;
    let jwk = keys
        .find(&kid)
        .ok_or_else(|| JwsError::UnknownKey(kid.clone()))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| JwsError::Malformed(e.to_string()))?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    // A credential states its validity in validFrom/validUntil, checked by the caller.
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    match jsonwebtoken::decode::<Value>(token, &key, &validation) {
        Ok(data) => Ok(Verified {
            kid,
            payload: data.claims,
        }),
        Err(e) => match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => Err(JwsError::BadSignature),
            _ => Err(JwsError::Malformed(e.to_string())),
        },
    }
}
