//! How checked uploads cross the process boundary as JSON (see `checker`): catalog keys and
//! placeholder names, `&'static str` in the program, are read back interned; bytes travel as
//! base64.

use std::{
    collections::HashSet,
    sync::{LazyLock, Mutex},
};

use serde::{Deserialize, Deserializer, de::Error};

/// Distinct names a process ever interns. Names come from the program's own code (catalog
/// keys, placeholder names, MIME types), a few hundred at most; the bound keeps a garbled
/// result from growing the table.
const MAX_NAMES: usize = 20_000;

/// A `&'static str` field read back through `key`. Spelled as an alias so that serde's derive
/// does not take it for text borrowed from the input.
pub type Name = &'static str;

static NAMES: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Default::default);

/// The `&'static str` for a text: the one already interned, or a new one (leaked once).
/// None once `MAX_NAMES` distinct texts have been seen.
pub fn intern(text: &str) -> Option<&'static str> {
    let mut names = NAMES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(name) = names.get(text) {
        return Some(name);
    }
    if names.len() >= MAX_NAMES {
        return None;
    }
    let name: &'static str = Box::leak(text.to_owned().into_boxed_str());
    names.insert(name);
    Some(name)
}

/// `deserialize_with` for a `&'static str` field.
pub fn key<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let text = String::deserialize(d)?;
    intern(&text).ok_or_else(|| D::Error::custom("too many distinct names"))
}

/// `deserialize_with` for `Vec<(&'static str, T)>` (message arguments by name).
pub fn pairs<'de, D, T>(d: D) -> Result<Vec<(&'static str, T)>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Vec::<(String, T)>::deserialize(d)?
        .into_iter()
        .map(|(name, value)| {
            intern(&name)
                .map(|name| (name, value))
                .ok_or_else(|| D::Error::custom("too many distinct names"))
        })
        .collect()
}

/// `with` for bytes as base64 text (a third larger, where JSON numbers would be four times).
pub mod base64 {
    use base64::{Engine, engine::general_purpose::STANDARD};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_interned_once() {
        let a = intern("report.duplicate_id").unwrap();
        let b = intern(&String::from("report.duplicate_id")).unwrap();
        assert!(std::ptr::eq(a, b));
    }

    #[test]
    fn bytes_round_trip_as_base64() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Blob(#[serde(with = "super::base64")] Vec<u8>);
        let json = serde_json::to_string(&Blob(vec![0, 1, 254, 255])).unwrap();
        assert_eq!(json, "\"AAH+/w==\"");
        assert_eq!(
            serde_json::from_str::<Blob>(&json).unwrap(),
            Blob(vec![0, 1, 254, 255])
        );
    }
}
