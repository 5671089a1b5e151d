//! A scored attempt's items as people read them: each question's text, the candidate's answer
//! and the key in words ("Đúng/Sai", the texts of matching and ordering answers, option
//! letters as displayed), the rule and the points; and the review page's warnings about
//! matching and ordering answers left half done. Shared by the receipt and the staff pages.

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::{finish, paper::shown_indices, responses};
use crate::{
    banks::{
        catalog::catalog,
        model::{Body, Item, matching_targets, statement_letter},
    },
    grading::model::{ItemScore, Response, ScoreResult, points_vi},
    text::plain_text,
    vocab::Lang,
};

/// One scored item, ready to show.
pub struct ReadItem {
    pub number: usize,
    pub question_html: String,
    pub topic: String,
    pub response: String,
    pub key: String,
    pub rule_key: &'static str,
    pub points: String,
    pub max: i64,
}

/// A topic's name in the catalog (its code when the catalog does not know it).
pub fn topic_name(code: &str, lang: Lang) -> String {
    catalog()
        .topic(code)
        .map_or_else(|| code.to_string(), |(_, t)| t.name(lang).to_string())
}

/// The scoring's topics by name, with their points ("9,5/10").
pub fn topic_totals(score: &ScoreResult, lang: Lang) -> Vec<(String, String)> {
    score
        .topics
        .iter()
        .map(|(code, tally)| (topic_name(code, lang), tally.display()))
        .collect()
}

fn yes_no(value: bool, lang: Lang) -> &'static str {
    lang.t(if value { "bank.true" } else { "bank.false" })
}

/// Statements a), b)… in the order shown, each answered "Đúng", "Sai" or "–".
fn statements(order: &[usize], given: &[Option<bool>], lang: Lang) -> String {
    shown_indices(order, given.len())
        .enumerate()
        .map(|(slot, i)| {
            let word = given[i].map_or("–", |b| yes_no(b, lang));
            format!("{}) {word}", statement_letter(slot))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Left-hand texts with the right-hand texts given (`given[i]`: target index).
fn pairs(item_pairs: &[String], targets: &[String], given: &[Option<usize>]) -> String {
    item_pairs
        .iter()
        .zip(given)
        .map(|(left, g)| {
            let right = g.and_then(|r| targets.get(r)).map_or("–", String::as_str);
            format!("{left} → {right}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Steps in the order given (`given[i]`: position of step i); a position given to no step
/// reads "–", one given to several lists them all.
fn sequence(steps: &[String], given: &[Option<usize>]) -> String {
    (0..steps.len())
        .map(|p| {
            let at: Vec<&str> = steps
                .iter()
                .zip(given)
                .filter(|(_, g)| **g == Some(p))
                .map(|(s, _)| s.as_str())
                .collect();
            let text = if at.is_empty() {
                "–".to_string()
            } else {
                at.join(" / ")
            };
            format!("{}. {text}", p + 1)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The answer and the key of one scored item in words. Letters stay as the candidate saw them;
/// true/false reads "Đúng/Sai"; matching and ordering read as the texts.
pub fn readable(
    item: &Item,
    order: &[usize],
    response: Option<&Response>,
    scored: &ItemScore,
    lang: Lang,
) -> (String, String) {
    let texts =
        |list: &mut dyn Iterator<Item = &str>| -> Vec<String> { list.map(plain_text).collect() };
    let fallback = (scored.response.clone(), scored.key.clone());
    match (&item.body, response) {
        (Body::TrueFalse { answer }, given) => (
            match given {
                Some(Response::TrueFalse(b)) => yes_no(*b, lang).to_string(),
                _ => String::new(),
            },
            yes_no(*answer, lang).to_string(),
        ),
        (Body::GroupedTrueFalse { statements: list }, given) => {
            let key: Vec<Option<bool>> = list.iter().map(|s| Some(s.correct)).collect();
            let shown = match given {
                Some(Response::Statements(g)) if g.len() == list.len() => {
                    statements(order, g, lang)
                }
                _ => String::new(),
            };
            (shown, statements(order, &key, lang))
        }
        (
            Body::Matching {
                pairs: p,
                distractors,
            },
            given,
        ) => {
            let (targets, key) = matching_targets(p, distractors);
            let targets = texts(&mut targets.iter().map(|t| t.html.as_str()));
            let lefts = texts(&mut p.iter().map(|x| x.left.html.as_str()));
            let key: Vec<Option<usize>> = key.into_iter().map(Some).collect();
            let shown = match given {
                Some(Response::Matching(g)) => pairs(&lefts, &targets, g),
                _ => String::new(),
            };
            (shown, pairs(&lefts, &targets, &key))
        }
        (Body::Ordering { sequence: steps }, given) => {
            let steps = texts(&mut steps.iter().map(|s| s.html.as_str()));
            let key: Vec<Option<usize>> = (0..steps.len()).map(Some).collect();
            let shown = match given {
                Some(Response::Ordering(g)) => sequence(&steps, g),
                _ => String::new(),
            };
            (shown, sequence(&steps, &key))
        }
        _ => fallback,
    }
}

/// Why a saved answer deserves a second look before submitting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unfinished {
    /// Some pairs or steps have no answer.
    Partly,
    /// Two steps were given the same position.
    RankTwice,
}

impl Unfinished {
    pub fn key(self) -> &'static str {
        match self {
            Unfinished::Partly => "exam.review_partly",
            Unfinished::RankTwice => "exam.review_rank_twice",
        }
    }
}

/// A matching or ordering answer that is only partly given, or gives a position twice.
pub fn unfinished(response: &Response) -> Option<Unfinished> {
    let given = match response {
        Response::Matching(g) | Response::Ordering(g) => g,
        _ => return None,
    };
    if let Response::Ordering(_) = response {
        let mut ranks: Vec<usize> = given.iter().flatten().copied().collect();
        ranks.sort_unstable();
        if ranks.windows(2).any(|w| w[0] == w[1]) {
            return Some(Unfinished::RankTwice);
        }
    }
    (given.iter().any(Option::is_none) && given.iter().any(Option::is_some))
        .then_some(Unfinished::Partly)
}

/// The scored items of an attempt, in words: the item versions scored, the paper's display
/// orders and the answers stored.
pub async fn read_items(
    conn: &mut AnyConnection,
    attempt_id: &str,
    paper_id: &str,
    score: &ScoreResult,
    lang: Lang,
) -> anyhow::Result<Vec<ReadItem>> {
    let (form, _) = finish::paper_of(conn, paper_id).await?;
    let orders: HashMap<&str, &[usize]> = form
        .items()
        .map(|p| (p.item_id.as_str(), p.order.as_slice()))
        .collect();
    let given: HashMap<String, Response> = responses::all(conn, attempt_id)
        .await?
        .into_iter()
        .filter_map(|r| r.response().map(|v| (r.item_id, v)))
        .collect();
    let mut items: HashMap<String, Item> = HashMap::new();
    let mut read = Vec::with_capacity(score.items.len());
    for (i, scored) in score.items.iter().enumerate() {
        if !items.contains_key(&scored.version_id) {
            let item = finish::item(&mut *conn, &scored.version_id).await?;
            items.insert(scored.version_id.clone(), item);
        }
        let item = &items[&scored.version_id];
        let order = orders.get(scored.item_id.as_str()).copied().unwrap_or(&[]);
        let (response, key) = readable(item, order, given.get(&scored.item_id), scored, lang);
        read.push(ReadItem {
            number: i + 1,
            question_html: item.stem.html.clone(),
            topic: topic_name(&scored.topic, lang),
            response,
            key,
            rule_key: scored.rule.label_key(),
            points: points_vi(scored.points),
            max: scored.max,
        });
    }
    Ok(read)
}

#[cfg(test)]
#[path = "answers_tests.rs"]
mod tests;
