//! What the candidate's page keeps in browser storage, read from Chromium: the entries, and
//! the key-leak check (never an option text, anything of the key, or the exam cookie).

use fantoccini::Client;
use serde_json::Value;

use crate::{exam::TELLTALES, helpers::TestApp};

/// Every entry the page keeps in localStorage, as (key, value).
pub(crate) async fn stored(client: &Client) -> Vec<(String, String)> {
    let all = client
        .execute(
            "return Object.keys(localStorage).sort().map(k => [k, localStorage.getItem(k)]);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(all).unwrap()
}

/// Texts a candidate must never find in browser storage: every option, statement, pair and
/// stem text of the bank, and the key's telltales.
pub(crate) async fn bank_texts(app: &TestApp) -> Vec<String> {
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (name, v) in map {
                    match v.as_str() {
                        Some(text) if ["source", "html"].contains(&name.as_str()) => {
                            let text = text.trim();
                            if text.chars().count() >= 8 {
                                out.push(text.to_string());
                            }
                        }
                        _ => walk(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM item_versions")
        .fetch_all(&app.db.read)
        .await
        .unwrap();
    let mut texts = Vec::new();
    for body in bodies {
        walk(&serde_json::from_str(&body).unwrap(), &mut texts);
    }
    assert!(texts.len() > 10, "the demo bank has option texts");
    texts
}

/// The key-leak check for browser storage: entries are `sathach:<attempt-key>:q<n>` holding
/// only the form's own values, never a text of the bank, the key or the exam cookie.
/// Returns how many entries there are.
pub(crate) async fn storage_holds_no_secret(client: &Client, texts: &[String]) -> usize {
    let entries = stored(client).await;
    let cookies = client.get_all_cookies().await.unwrap();
    for (key, value) in &entries {
        let (prefix, question) = key.rsplit_once(":q").expect("a question entry");
        let attempt_key = prefix.strip_prefix("sathach:").expect("the page's prefix");
        assert!(
            attempt_key.len() == 12 && attempt_key.chars().all(|c| c.is_ascii_hexdigit()),
            "{key}"
        );
        assert!(question.parse::<usize>().is_ok(), "{key}");
        let entry: Value = serde_json::from_str(value).unwrap();
        let fields = entry["fields"].as_array().expect("fields");
        assert!(entry["seq"].is_i64(), "{value}");
        for pair in fields {
            let name = pair[0].as_str().unwrap();
            assert!(!["csrf", "seq", "go"].contains(&name), "{value}");
        }
        for telltale in TELLTALES {
            assert!(
                !value.contains(telltale),
                "browser storage holds {telltale}: {value}"
            );
        }
        for text in texts {
            assert!(
                !value.contains(text.as_str()),
                "browser storage holds {text:?}"
            );
        }
        for cookie in &cookies {
            assert!(
                !value.contains(cookie.value()),
                "browser storage holds a cookie"
            );
        }
    }
    entries.len()
}
