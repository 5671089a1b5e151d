//! Signed records as values: the Open Badges 3.0 `OpenBadgeCredential` of a module credit or
//! a certificate (W3C Verifiable Credentials 2.0 data model), the CLR 2.0 transcript that
//! bundles a person's, and the Bitstring Status List credential that revokes them. No IO.

use std::io::{Read, Write};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::clock::rfc3339_utc;

pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
pub const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
pub const CLR_CONTEXT: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
pub const OB_SCHEMA: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";
pub const CLR_SCHEMA: &str =
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json";
/// The validator type 1EdTech's schemas are named with in `credentialSchema`.
const SCHEMA_VALIDATOR: &str = "1EdTechJsonSchemaValidator2019";

/// Bits in one status list: the size the Bitstring Status List recommends as the minimum
/// (16 KiB), so that one credential's bit says nothing about who holds it.
pub const LIST_BITS: u64 = 131_072;
/// The largest encoded list a verifier accepts (compressed), and the most it inflates to.
const MAX_ENCODED: usize = 1 << 20;
const MAX_INFLATED: u64 = 1 << 24;

/// The organisation that signs: its did:web identifier (which names its keys), name and the
/// server's address.
#[derive(Clone, Debug)]
pub struct Issuer {
    /// The organisation's code (its did:web names it, and its status lists' addresses).
    pub code: String,
    pub did: String,
    pub name: String,
    pub url: String,
}

impl Issuer {
    /// The issuer as an Open Badges `Profile`.
    fn profile(&self) -> Value {
        json!({ "id": self.did, "type": ["Profile"], "name": self.name, "url": self.url })
    }
}

/// Who the record is about: their name as registered and their id in sathach.
#[derive(Clone, Debug)]
pub struct Holder {
    pub person_id: String,
    pub name: String,
}

impl Holder {
    /// `IdentityObject`s naming the holder in clear (a certificate prints the same).
    fn identifiers(&self) -> Value {
        let identity = |kind: &str, value: &str| {
            json!({
                "type": "IdentityObject",
                "identityHash": value,
                "identityType": kind,
                "hashed": false,
            })
        };
        json!([
            identity("name", &self.name),
            identity("systemId", &self.person_id)
        ])
    }
}

/// What is attested: a module of the standard, or a certificate under the catalog's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AchievementKind {
    Module,
    Certificate,
}

/// The achievement as the catalog defines it.
#[derive(Clone, Debug)]
pub struct Achievement {
    pub kind: AchievementKind,
    /// IU01, TT03-CB …
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// What it takes, in Vietnamese then English.
    pub criteria: String,
    pub credits: u32,
}

impl Achievement {
    /// A stable identifier for the same module or certificate on every server.
    pub fn id(&self) -> String {
        match self.kind {
            AchievementKind::Module => format!("urn:sathach:module:{}", self.code),
            AchievementKind::Certificate => format!("urn:sathach:certificate:{}", self.code),
        }
    }

    fn value(&self) -> Value {
        let achievement_type = match self.kind {
            AchievementKind::Module => "Competency",
            AchievementKind::Certificate => "Certificate",
        };
        json!({
            "id": self.id(),
            "type": ["Achievement"],
            "achievementType": achievement_type,
            "humanCode": self.code,
            "name": format!("{} – {}", self.code, self.name_vi),
            "description": format!("{} ({})", self.name_vi, self.name_en),
            "criteria": { "narrative": self.criteria },
            "creditsAvailable": self.credits,
            "inLanguage": "vi",
        })
    }
}

/// Where a credential's revocation bit is: list `list` of its issuer, position `index`.
#[derive(Clone, Debug)]
pub struct StatusEntry {
    pub list_url: String,
    pub index: u64,
}

impl StatusEntry {
    fn value(&self) -> Value {
        json!({
            "id": format!("{}#{}", self.list_url, self.index),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": self.index.to_string(),
            "statusListCredential": self.list_url,
        })
    }
}

/// One module credit or certificate to export.
#[derive(Clone, Debug)]
pub struct Award {
    /// The credential's id: a certificate's verification address, `urn:uuid:…` for a credit.
    pub id: String,
    pub issuer: Issuer,
    pub holder: Holder,
    pub achievement: Achievement,
    /// When it was recorded (UTC ms): the credential's `validFrom`.
    pub recorded_at: i64,
    /// The last moment it is valid (UTC ms), when its scheme has a validity period.
    pub valid_until: Option<i64>,
    /// What it rests on, in words (modules and their exam dates and centres).
    pub evidence: Vec<String>,
    pub status: Option<StatusEntry>,
}

/// The `OpenBadgeCredential` of one award, unsigned.
pub fn open_badge(award: &Award) -> Value {
    let mut credential = json!({
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": award.id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": award.issuer.profile(),
        "validFrom": rfc3339_utc(award.recorded_at),
        "name": format!("{} – {}", award.achievement.code, award.achievement.name_vi),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": award.holder.identifiers(),
            "achievement": award.achievement.value(),
            "creditsEarned": award.achievement.credits,
        },
        "credentialSchema": [{ "id": OB_SCHEMA, "type": SCHEMA_VALIDATOR }],
    });
    if let Some(until) = award.valid_until {
        credential["validUntil"] = json!(rfc3339_utc(until));
    }
    if !award.evidence.is_empty() {
        credential["evidence"] = award
            .evidence
            .iter()
            .map(|narrative| json!({ "type": ["Evidence"], "narrative": narrative }))
            .collect();
    }
    if let Some(status) = &award.status {
        credential["credentialStatus"] = status.value();
    }
    credential
}

/// A person's digital transcript: a CLR 2.0 `ClrCredential` whose subject holds every
/// credential of theirs (unsigned here: the transcript's own signature covers them all).
pub fn transcript(
    id: &str,
    issuer: &Issuer,
    holder: &Holder,
    issued_at: i64,
    credentials: Vec<Value>,
) -> Value {
    let achievements: Vec<Value> = credentials
        .iter()
        .map(|c| c["credentialSubject"]["achievement"].clone())
        .collect();
    json!({
        "@context": [VC_CONTEXT, CLR_CONTEXT, OB_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer.profile(),
        "validFrom": rfc3339_utc(issued_at),
        "name": format!("Hồ sơ tín chỉ kỹ năng số – {}", holder.name),
        "description": "Bảng kết quả: các mô-đun đã đạt và chứng chỉ đã cấp \
                        (Transcript: modules passed and certificates issued)",
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": holder.identifiers(),
            "achievement": achievements,
            "verifiableCredential": credentials,
        },
        "credentialSchema": [{ "id": CLR_SCHEMA, "type": SCHEMA_VALIDATOR }],
    })
}

/// The `BitstringStatusListCredential` of list `url`, with the bits of `revoked` (positions
/// within this list) set.
pub fn status_list(url: &str, issuer: &Issuer, issued_at: i64, revoked: &[u64]) -> Value {
    json!({
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did,
        "validFrom": rfc3339_utc(issued_at),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(revoked),
        },
    })
}

/// The list's bits as the Bitstring Status List encodes them: bit 0 is the most significant
/// bit of the first byte; the bytes GZIP-compressed, then multibase base64url (`u…`).
pub fn encode_list(revoked: &[u64]) -> String {
    let mut bits = vec![0u8; (LIST_BITS / 8) as usize];
    for &index in revoked.iter().filter(|&&i| i < LIST_BITS) {
        bits[(index / 8) as usize] |= 0x80 >> (index % 8);
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let compressed = gzip
        .write_all(&bits)
        .and_then(|()| gzip.finish())
        .unwrap_or_default();
    format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
}

/// Why an encoded list cannot be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    #[error("the encoded list is not multibase base64url (it must start with 'u')")]
    Encoding,
    #[error("the encoded list is not GZIP data, or is larger than a status list can be")]
    Compression,
}

/// The bytes of an encoded list, read with size limits (a list comes from outside).
pub fn decode_list(encoded: &str) -> Result<Vec<u8>, ListError> {
    let text = encoded.strip_prefix('u').ok_or(ListError::Encoding)?;
    if text.len() > MAX_ENCODED {
        return Err(ListError::Compression);
    }
    let compressed = URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| ListError::Encoding)?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut bits)
        .map_err(|_| ListError::Compression)?;
    if bits.len() as u64 > MAX_INFLATED {
        return Err(ListError::Compression);
    }
    Ok(bits)
}

/// Whether bit `index` is set (None past the list's end).
pub fn bit(bits: &[u8], index: u64) -> Option<bool> {
    let byte = bits.get(usize::try_from(index / 8).ok()?)?;
    Some(byte & (0x80 >> (index % 8)) != 0)
}

/// Which list a credential's place falls in, and its position within it.
pub fn list_position(place: u64) -> (u64, u64) {
    (place / LIST_BITS, place % LIST_BITS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn award() -> Award {
        Award {
            id: "urn:uuid:7d8e3c1a-0000-4000-8000-000000000001".into(),
            issuer: Issuer {
                code: "TT-1".into(),
                did: "did:web:thi.example.vn:orgs:TT-1".into(),
                name: "Trung tâm Tin học số 1".into(),
                url: "https://thi.example.vn/".into(),
            },
            holder: Holder {
                person_id: "p-1".into(),
                name: "Nguyễn Thị Ánh".into(),
            },
            achievement: Achievement {
                kind: AchievementKind::Module,
                code: "IU01".into(),
                name_vi: "Hiểu biết về CNTT cơ bản".into(),
                name_en: "Basic IT knowledge".into(),
                criteria: "Đạt bài thi mô-đun IU01".into(),
                credits: 1,
            },
            recorded_at: 1_769_880_609_000,
            valid_until: None,
            evidence: vec![],
            status: Some(StatusEntry {
                list_url: "https://thi.example.vn/orgs/TT-1/status/0".into(),
                index: 42,
            }),
        }
    }

    #[test]
    fn a_module_credit_is_an_open_badge_with_its_status() {
        let c = open_badge(&award());
        assert_eq!(c["type"][1], "OpenBadgeCredential");
        assert_eq!(c["@context"][0], VC_CONTEXT);
        assert_eq!(c["validFrom"], "2026-01-31T17:30:09Z");
        assert!(c.get("validUntil").is_none());
        assert_eq!(c["issuer"]["id"], "did:web:thi.example.vn:orgs:TT-1");
        let subject = &c["credentialSubject"];
        assert_eq!(subject["achievement"]["id"], "urn:sathach:module:IU01");
        assert_eq!(subject["identifier"][0]["identityHash"], "Nguyễn Thị Ánh");
        assert_eq!(c["credentialStatus"]["statusListIndex"], "42");
    }

    #[test]
    fn status_lists_round_trip_their_bits() {
        let encoded = encode_list(&[0, 9, LIST_BITS - 1]);
        assert!(encoded.starts_with('u'));
        let bits = decode_list(&encoded).unwrap();
        assert_eq!(bits.len() as u64, LIST_BITS / 8);
        assert_eq!(bits[0], 0x80);
        assert_eq!(bit(&bits, 9), Some(true));
        assert_eq!(bit(&bits, 10), Some(false));
        assert_eq!(bit(&bits, LIST_BITS - 1), Some(true));
        assert_eq!(bit(&bits, LIST_BITS), None);
    }

    #[test]
    fn hostile_lists_are_refused() {
        assert_eq!(decode_list("zabc"), Err(ListError::Encoding));
        assert_eq!(decode_list("u!!"), Err(ListError::Encoding));
        assert_eq!(
            decode_list(&format!("u{}", URL_SAFE_NO_PAD.encode(b"not gzip"))),
            Err(ListError::Compression)
        );
        // A "GZIP bomb": 64 MiB of zeros compresses to a few KiB.
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&vec![0u8; 64 << 20]).unwrap();
        let bomb = format!("u{}", URL_SAFE_NO_PAD.encode(gzip.finish().unwrap()));
        assert_eq!(decode_list(&bomb), Err(ListError::Compression));
    }

    #[test]
    fn places_split_into_lists() {
        assert_eq!(list_position(5), (0, 5));
        assert_eq!(list_position(LIST_BITS + 3), (1, 3));
    }
}
