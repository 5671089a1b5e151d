//! Bank-quality checks: the cues that make a bank guessable without knowing the subject (the
//! key often at one position, often the longest option, true/false answers mostly true…) and
//! near-duplicate stems. A cue is reported only when the pattern is clear: at least
//! `MIN_ITEMS` items of the kind, the share beyond its limit, and a binomial test against chance
//! at p < `P_LIMIT`. No IO here.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;

use super::{
    model::{Body, Item, option_letter},
    report::{Args, args},
};
use crate::{text::decimal_text, vocab::Lang};

/// Fewer items of a kind than this say nothing about a pattern.
pub const MIN_ITEMS: usize = 10;
/// How unlikely by chance a pattern must be to be reported.
pub const P_LIMIT: f64 = 0.01;
/// Stems this similar (word-bigram Jaccard) are near-duplicates.
pub const TWIN_SIMILARITY: f64 = 0.6;

/// A clear pattern in a bank's keys.
#[derive(Clone, Debug, PartialEq)]
pub struct Cue {
    pub kind: CueKind,
    /// Items showing the pattern, of `total` items of the kind.
    pub count: usize,
    pub total: usize,
    /// The chance of seeing the pattern at least this strongly if keys were placed at random.
    pub p_value: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CueKind {
    /// The key of single-choice items at this position in the file (0 = A) above 40 %.
    KeyPosition(usize),
    /// The key the strictly longest option in more than 35 % of single-choice items.
    LongestKey,
    /// True/false items answered "true" outside 35–65 %.
    TrueShare,
    /// Grouped true/false items whose statement a) is true outside 30–70 %.
    FirstStatementTrue,
    /// Multiple-response items with this many keys in more than 60 % of them.
    KeyCount(usize),
}

impl CueKind {
    /// The message key of the warning.
    pub fn message_key(self) -> &'static str {
        match self {
            CueKind::KeyPosition(_) => "quality.key_position",
            CueKind::LongestKey => "quality.longest_key",
            CueKind::TrueShare => "quality.true_share",
            CueKind::FirstStatementTrue => "quality.first_statement_true",
            CueKind::KeyCount(_) => "quality.key_count",
        }
    }
}

impl Cue {
    /// The share, in whole percent.
    pub fn percent(&self) -> usize {
        (self.count * 100 + self.total / 2) / self.total.max(1)
    }
}

/// The clear cues of one bank's items.
pub fn cues(items: &[Item]) -> Vec<Cue> {
    let mut found = Vec::new();
    let singles: Vec<&[super::model::Choice]> = items
        .iter()
        .filter_map(|i| match &i.body {
            Body::Single { options } if options.len() >= 2 => Some(options.as_slice()),
            _ => None,
        })
        .collect();
    if singles.len() >= MIN_ITEMS {
        let chance = mean(singles.iter().map(|o| 1.0 / o.len() as f64));
        let mut at: BTreeMap<usize, usize> = BTreeMap::new();
        for options in &singles {
            if let Some(p) = options.iter().position(|o| o.correct) {
                *at.entry(p).or_default() += 1;
            }
        }
        for (&position, &count) in &at {
            let share = count as f64 / singles.len() as f64;
            let p = upper_tail(singles.len(), count, chance);
            if share > 0.40 && p < P_LIMIT {
                found.push(cue(CueKind::KeyPosition(position), count, singles.len(), p));
            }
        }
        let longest = singles.iter().filter(|o| key_strictly_longest(o)).count();
        let p = upper_tail(singles.len(), longest, chance);
        if longest as f64 / singles.len() as f64 > 0.35 && p < P_LIMIT {
            found.push(cue(CueKind::LongestKey, longest, singles.len(), p));
        }
    }
    let answers: Vec<bool> = items
        .iter()
        .filter_map(|i| match i.body {
            Body::TrueFalse { answer } => Some(answer),
            _ => None,
        })
        .collect();
    if let Some(c) = lopsided(&answers, 0.35, CueKind::TrueShare) {
        found.push(c);
    }
    let first: Vec<bool> = items
        .iter()
        .filter_map(|i| match &i.body {
            Body::GroupedTrueFalse { statements } => statements.first().map(|s| s.correct),
            _ => None,
        })
        .collect();
    if let Some(c) = lopsided(&first, 0.30, CueKind::FirstStatementTrue) {
        found.push(c);
    }
    let multiples: Vec<(usize, usize)> = items
        .iter()
        .filter_map(|i| match &i.body {
            Body::Multiple { options, .. } if options.len() >= 3 => {
                Some((options.iter().filter(|o| o.correct).count(), options.len()))
            }
            _ => None,
        })
        .collect();
    if multiples.len() >= MIN_ITEMS {
        // By chance, any count from 1 to one less than the options is as likely.
        let chance = mean(multiples.iter().map(|(_, n)| 1.0 / (*n as f64 - 1.0)));
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for (keys, _) in &multiples {
            *counts.entry(*keys).or_default() += 1;
        }
        for (&keys, &count) in &counts {
            let p = upper_tail(multiples.len(), count, chance);
            if count as f64 / multiples.len() as f64 > 0.60 && p < P_LIMIT {
                found.push(cue(CueKind::KeyCount(keys), count, multiples.len(), p));
            }
        }
    }
    found
}

fn cue(kind: CueKind, count: usize, total: usize, p_value: f64) -> Cue {
    Cue {
        kind,
        count,
        total,
        p_value,
    }
}

/// "True" in a share outside `low`–(1 − `low`), and a two-sided binomial test against an even
/// chance below `P_LIMIT`.
fn lopsided(answers: &[bool], low: f64, kind: CueKind) -> Option<Cue> {
    let n = answers.len();
    if n < MIN_ITEMS {
        return None;
    }
    let trues = answers.iter().filter(|a| **a).count();
    let share = trues as f64 / n as f64;
    let p = (2.0 * upper_tail(n, trues.max(n - trues), 0.5)).min(1.0);
    (!(low..=1.0 - low).contains(&share) && p < P_LIMIT).then(|| cue(kind, trues, n, p))
}

/// Is the key longer (in characters of its source) than every other option?
fn key_strictly_longest(options: &[super::model::Choice]) -> bool {
    let length = |o: &super::model::Choice| o.text.source.chars().count();
    let Some(key) = options.iter().find(|o| o.correct) else {
        return false;
    };
    options
        .iter()
        .filter(|o| !o.correct)
        .all(|o| length(o) < length(key))
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// P(X ≥ k) for X ~ Binomial(n, p), summed term by term in log space (exact for the bank sizes
/// met here, thousands of items at most).
pub fn upper_tail(n: usize, k: usize, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    // ln P(X = 0), then each next term from the one before.
    let (ln_p, ln_q) = (p.ln(), (1.0 - p).ln());
    let mut ln_term = n as f64 * ln_q;
    let mut terms = Vec::with_capacity(n + 1 - k);
    for i in 0..=n {
        if i >= k {
            terms.push(ln_term);
        }
        if i < n {
            ln_term += ((n - i) as f64).ln() - ((i + 1) as f64).ln() + ln_p - ln_q;
        }
    }
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (top + terms.iter().map(|t| (t - top).exp()).sum::<f64>().ln())
        .min(0.0)
        .exp()
}

/// Two items with near-identical stems: where each is (its bank's label and its id) and how
/// similar.
#[derive(Clone, Debug, PartialEq)]
pub struct Twin {
    pub first: (usize, String),
    pub second: (usize, String),
    pub similarity: f64,
}

/// A stem's word bigrams, each hashed to a number, sorted and without repeats: comparing two
/// stems is then a merge of two short sorted lists (a bank page compares a bank with every
/// other bank of its centre, thousands of stems).
pub type Bigrams = Vec<u64>;

/// The word bigrams of a stem: lower-case words of letters and digits (NFC), each with the next.
pub fn bigrams(stem: &str) -> Bigrams {
    use std::hash::{Hash, Hasher};
    let text: String = stem.nfc().collect::<String>().to_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut hashed: Vec<u64> = words
        .windows(2)
        .map(|pair| {
            let mut hasher = std::hash::DefaultHasher::new();
            pair.hash(&mut hasher);
            hasher.finish()
        })
        .collect();
    hashed.sort_unstable();
    hashed.dedup();
    hashed
}

/// |A ∩ B| ÷ |A ∪ B| of two bigram sets; 0 when both are empty.
pub fn jaccard(a: &Bigrams, b: &Bigrams) -> f64 {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// Every pair of items (in `scope`), within a bank or across the banks given, whose stems have a word-bigram
/// Jaccard similarity of at least `TWIN_SIMILARITY`. `banks[i]` are the items of bank `i`.
pub fn twins(banks: &[&[Item]], scope: Scope) -> Vec<Twin> {
    let all: Vec<(usize, &Item, Bigrams)> = banks
        .iter()
        .enumerate()
        .flat_map(|(b, items)| items.iter().map(move |i| (b, i)))
        .map(|(b, i)| (b, i, bigrams(&i.stem.source)))
        .filter(|(_, _, g)| !g.is_empty())
        .collect();
    let mut found = Vec::new();
    for (x, (bank_a, a, grams_a)) in all.iter().enumerate() {
        for (bank_b, b, grams_b) in &all[x + 1..] {
            if scope == Scope::First && *bank_a != 0 && *bank_b != 0 {
                continue;
            }
            let similarity = jaccard(grams_a, grams_b);
            if similarity >= TWIN_SIMILARITY {
                found.push(Twin {
                    first: (*bank_a, a.id.clone()),
                    second: (*bank_b, b.id.clone()),
                    similarity,
                });
            }
        }
    }
    found
}

/// Which pairs `twins` looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every pair of items.
    All,
    /// Only pairs with at least one item of the first bank (a bank's page, against the
    /// centre's other banks).
    First,
}

/// "p < 0,001" or "p = 0,004", in the language's decimal sign.
fn p_text(p: f64, lang: Lang) -> String {
    let comma = if lang == Lang::Vi { ',' } else { '.' };
    if p < 0.001 {
        format!("p < 0{comma}001")
    } else {
        format!("p = {}", decimal_text(p, 3, comma))
    }
}

/// A cue as a warning: its message key and placeholders, numbers written for `lang`.
pub fn cue_message(cue: &Cue, lang: Lang) -> (&'static str, Args) {
    let mut args = args![
        count = cue.count,
        total = cue.total,
        percent = cue.percent(),
        p = p_text(cue.p_value, lang),
    ];
    match cue.kind {
        CueKind::KeyPosition(at) => args.push(("position", option_letter(at).to_string().into())),
        CueKind::KeyCount(keys) => args.push(("keys", keys.into())),
        _ => {}
    }
    (cue.kind.message_key(), args)
}

/// A pair of near-identical items as a warning on the first one's bank; `names` are the
/// banks' names (file paths, or bank codes), and a second item of another bank is named so.
pub fn twin_message(twin: &Twin, names: &[String], lang: Lang) -> (&'static str, Args) {
    let comma = if lang == Lang::Vi { ',' } else { '.' };
    let second = if twin.first.0 == twin.second.0 {
        twin.second.1.clone()
    } else {
        format!("{} ({})", twin.second.1, names[twin.second.0])
    };
    let args = args![
        first = &twin.first.1,
        second = second,
        similarity = decimal_text(twin.similarity, 2, comma),
    ];
    ("quality.twin", args)
}

#[cfg(test)]
#[path = "quality_tests.rs"]
mod tests;
