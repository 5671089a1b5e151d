//! What the candidate's receipt says about credits: a passing result whose blueprint certifies
//! modules earns them once the session's results are approved; once approved, that they are on
//! the candidate's credit record. Names modules and credits only, never anything of the paper.

use sqlx::AnyPool;

use super::record;
use crate::{banks::catalog::catalog, vocab::Lang};

/// The receipt's line about credits for a passing attempt, or None when there is nothing to say
/// (no certified module, or approved with nothing standing on the record).
pub async fn receipt_line(
    pool: &AnyPool,
    attempt_id: &str,
    session_id: &str,
    modules: &[String],
    lang: Lang,
) -> sqlx::Result<Option<String>> {
    let approved: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM result_approvals WHERE session_id = $1")
            .bind(session_id)
            .fetch_one(pool)
            .await?;
    let (key, shown) = if approved == 0 {
        ("exam.receipt.credit_pending", modules.to_vec())
    } else {
        let on_record = record::attempt_modules(pool, attempt_id).await?;
        ("exam.receipt.credit_recorded", on_record)
    };
    let named: Vec<String> = shown
        .iter()
        .filter_map(|code| catalog().module(code))
        .map(|m| {
            lang.fill(
                "exam.receipt.credit_module",
                &[
                    ("module", &record::module_label(&m.code, lang)),
                    ("n", &m.credits.to_string()),
                ],
            )
        })
        .collect();
    if named.is_empty() {
        return Ok(None);
    }
    Ok(Some(lang.fill(key, &[("modules", &named.join("; "))])))
}
