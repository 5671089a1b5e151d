//! The provincial API's rules, without IO: what an API token looks like, whose data a token
//! sees (`Scope`), the opaque paging cursor, page sizes, and how an answer is formatted.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

/// Every API token starts with this, so logs and secret scanners can recognise one.
pub const TOKEN_PREFIX: &str = "sth_";
/// Characters of a token kept in clear (prefix included) to tell tokens apart in a list.
const HINT_CHARS: usize = 12;
/// Rows a page holds when the caller does not say, and at most.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;
/// A token's `last_used_at` is written at most this often (one write per token, not per call).
pub const LAST_USED_EVERY_MS: i64 = 5 * 60 * 1000;

/// A new token: `sth_` and 256 random bits, URL-safe.
pub fn new_token() -> String {
    format!("{TOKEN_PREFIX}{}", crate::vocab::token::random_token())
}

/// The first characters of a token, shown in the list (`sth_AbCdEfGh…`).
pub fn hint(token: &str) -> String {
    format!("{}…", token.chars().take(HINT_CHARS).collect::<String>())
}

/// The token an `Authorization` header carries: `Bearer sth_…` (the scheme in any case).
/// Anything else is no token at all.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    let plausible = token.starts_with(TOKEN_PREFIX)
        && token.len() <= 128
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (scheme.eq_ignore_ascii_case("bearer") && plausible).then_some(token)
}

/// Whose data a token sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A Department's token: every person of the Department, every ledger row and certificate
    /// of theirs, whichever of its centres examined or issued it.
    Department(String),
    /// A centre's token: the ledger rows the centre wrote (modules it examined, earlier
    /// certificates its staff recorded, and the revocations of either), the certificates it
    /// issued, and the people who have any of those.
    Centre(String),
}

impl Scope {
    /// The scope of an organisation's token (`kind` as stored); schools have none.
    pub fn of(kind: &str, organisation_id: &str) -> Option<Self> {
        match kind {
            "department" => Some(Scope::Department(organisation_id.to_string())),
            "centre" => Some(Scope::Centre(organisation_id.to_string())),
            _ => None,
        }
    }

    pub fn organisation_id(&self) -> &str {
        match self {
            Scope::Department(id) | Scope::Centre(id) => id,
        }
    }
}

/// A position in a feed: the last row served, by the time it was written and its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: String,
}

impl Cursor {
    /// The start of a feed: before every row.
    pub fn start() -> Self {
        Self {
            at: i64::MIN,
            id: String::new(),
        }
    }

    /// The cursor as the caller sees it: opaque, URL-safe.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("v1.{}.{}", self.at, self.id))
    }

    /// A cursor given back by a caller; None when it is not one of ours.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() > 200 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let rest = text.strip_prefix("v1.")?;
        let (at, id) = rest.split_once('.')?;
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        Some(Self {
            at: at.parse().ok()?,
            id: id.to_string(),
        })
        .filter(|_| id_ok)
    }
}

/// The page size a caller asked for: 1 to `MAX_LIMIT`, `DEFAULT_LIMIT` when not given.
pub fn limit(asked: Option<&str>) -> Option<i64> {
    match asked {
        None | Some("") => Some(DEFAULT_LIMIT),
        Some(text) => text
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n)),
    }
}

/// How an answer is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    /// CSV with a BOM, formulas defused (`sheets::csv_with_bom`).
    Csv,
}

impl Format {
    /// `format=csv`, a `.csv` path, or `Accept: text/csv` (unless JSON is asked for first).
    pub fn choose(query_format: Option<&str>, csv_path: bool, accept: &str) -> Self {
        let accept_csv = accept
            .split(',')
            .map(|part| part.split(';').next().unwrap_or_default().trim())
            .find(|media| *media == "text/csv" || *media == "application/json")
            == Some("text/csv");
        match query_format.map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Format::Csv,
            Some("json") => Format::Json,
            _ if csv_path || accept_csv => Format::Csv,
            _ => Format::Json,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_long_and_hinted_without_their_secret() {
        let token = new_token();
        assert!(token.starts_with("sth_") && token.len() >= 47);
        assert_ne!(token, new_token());
        let shown = hint(&token);
        assert!(token.starts_with(shown.trim_end_matches('…')));
        assert_eq!(shown.chars().count(), 13);
    }

    #[test]
    fn only_a_bearer_token_of_ours_is_read() {
        assert_eq!(bearer("Bearer sth_abc-_1"), Some("sth_abc-_1"));
        assert_eq!(bearer("bearer  sth_x "), Some("sth_x"));
        assert_eq!(bearer("Basic sth_x"), None);
        assert_eq!(bearer("Bearer abc"), None);
        assert_eq!(bearer("Bearer sth_a b"), None);
        assert_eq!(bearer("Bearer"), None);
    }

    #[test]
    fn cursors_round_trip_and_anything_else_is_refused() {
        let cursor = Cursor {
            at: 1_767_225_600_000,
            id: "0b6f3a1e-6c1d-4b59-9d7e-4f8a2b9c0d11".into(),
        };
        assert_eq!(Cursor::parse(&cursor.encode()), Some(cursor));
        for bad in [
            "",
            "abc",
            "!!!",
            &URL_SAFE_NO_PAD.encode("v1.x.id"),
            &URL_SAFE_NO_PAD.encode("v1.5."),
        ] {
            assert_eq!(Cursor::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Cursor::parse(&URL_SAFE_NO_PAD.encode("v1.5.a'b")), None);
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(limit(None), Some(DEFAULT_LIMIT));
        assert_eq!(limit(Some("5")), Some(5));
        assert_eq!(limit(Some("0")), None);
        assert_eq!(limit(Some("1001")), None);
        assert_eq!(limit(Some("mười")), None);
    }

    #[test]
    fn csv_is_chosen_by_query_path_or_accept() {
        assert_eq!(Format::choose(None, false, ""), Format::Json);
        assert_eq!(Format::choose(Some("csv"), false, ""), Format::Csv);
        assert_eq!(Format::choose(None, true, ""), Format::Csv);
        assert_eq!(Format::choose(None, false, "text/csv"), Format::Csv);
        assert_eq!(
            Format::choose(None, false, "application/json, text/csv"),
            Format::Json
        );
        assert_eq!(Format::choose(Some("json"), true, "text/csv"), Format::Json);
    }

    #[test]
    fn scopes_follow_the_organisation_kind() {
        assert_eq!(
            Scope::of("department", "d"),
            Some(Scope::Department("d".into()))
        );
        assert_eq!(Scope::of("centre", "c"), Some(Scope::Centre("c".into())));
        assert_eq!(Scope::of("school", "s"), None);
    }
}
