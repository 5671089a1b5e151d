//! The session results table as staff read it: one row per candidate with the total, each
//! part and the verdict, sorted by a column either way (pages: `web::pager`). No IO here.

use std::cmp::Ordering;

use super::model::Verdict;
use crate::{
    banks::answers::fold_text,
    grading::model::{Points, Tally},
};

/// One candidate of the session.
#[derive(Clone, Debug)]
pub struct Row {
    pub attempt_id: String,
    pub person_id: String,
    pub candidate_number: String,
    pub full_name: String,
    /// None while there is no current result (never submitted, reopened, terminated early).
    pub total: Option<Tally>,
    /// One per part of the blueprint, in its order: the part's tally once it is scored.
    pub parts: Vec<Option<Tally>>,
    pub verdict: Verdict,
}

/// The column the table is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Number,
    Name,
    Total,
    Outcome,
}

impl SortBy {
    pub const ALL: [SortBy; 4] = [SortBy::Number, SortBy::Name, SortBy::Total, SortBy::Outcome];

    pub fn as_str(self) -> &'static str {
        match self {
            SortBy::Number => "number",
            SortBy::Name => "name",
            SortBy::Total => "total",
            SortBy::Outcome => "outcome",
        }
    }

    /// Anything else in the address falls back to the candidate number.
    pub fn parse(text: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .unwrap_or_default()
    }
}

pub use crate::web::pager::Dir;

/// Vietnamese lists go by the given name (the last word), then the whole name; letters first
/// without their tone marks, Đ after D (hence "d~": `~` sorts after every letter).
fn name_key(full_name: &str) -> (String, String, String) {
    let letters = |s: &str| fold_text(&s.replace(['đ', 'Đ'], "d~"), true);
    let given = full_name.split_whitespace().last().unwrap_or_default();
    (letters(given), letters(full_name), full_name.to_lowercase())
}

/// The share of the maximum, exactly; candidates without a total come last either way.
fn share(total: &Option<Tally>) -> Option<Points> {
    total.map(|t| {
        if t.max == 0 {
            Points::from_integer(0)
        } else {
            t.points / Points::from_integer(t.max)
        }
    })
}

/// Sorts in place; ties (and rows without a total) stay in candidate-number order.
pub fn sort(rows: &mut [Row], by: SortBy, dir: Dir) {
    let by_number = |a: &Row, b: &Row| a.candidate_number.cmp(&b.candidate_number);
    let directed = |o: Ordering| if dir == Dir::Desc { o.reverse() } else { o };
    rows.sort_by(|a, b| {
        let primary = match by {
            SortBy::Number => directed(by_number(a, b)),
            SortBy::Name => directed(name_key(&a.full_name).cmp(&name_key(&b.full_name))),
            SortBy::Outcome => directed(a.verdict.cmp(&b.verdict)),
            SortBy::Total => match (share(&a.total), share(&b.total)) {
                (Some(x), Some(y)) => directed(x.cmp(&y)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        primary.then_with(|| by_number(a, b))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(number: &str, name: &str, total: Option<(i64, i64, i64)>, verdict: Verdict) -> Row {
        Row {
            attempt_id: number.into(),
            person_id: String::new(),
            candidate_number: number.into(),
            full_name: name.into(),
            total: total.map(|(n, d, max)| Tally {
                points: Points::new(n, d),
                max,
            }),
            parts: vec![],
            verdict,
        }
    }

    fn numbers(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|r| r.candidate_number.as_str()).collect()
    }

    #[test]
    fn each_column_sorts_both_ways_and_ties_keep_the_candidate_number_order() {
        let mut rows = vec![
            row("03", "Lê Văn Bình", Some((19, 2, 10)), Verdict::Pass),
            row("01", "Trần Thị An", Some((4, 1, 10)), Verdict::Fail),
            row("04", "Phạm Đức", None, Verdict::Absent),
            row("05", "Vũ Dung", None, Verdict::Terminated),
            row("02", "Nguyễn An", Some((19, 2, 10)), Verdict::Pass),
        ];
        sort(&mut rows, SortBy::Total, Dir::Desc);
        assert_eq!(numbers(&rows), ["02", "03", "01", "04", "05"]);
        sort(&mut rows, SortBy::Total, Dir::Asc);
        assert_eq!(
            numbers(&rows),
            ["01", "02", "03", "04", "05"],
            "no total: last"
        );
        sort(&mut rows, SortBy::Name, Dir::Asc);
        assert_eq!(
            numbers(&rows),
            ["02", "01", "03", "05", "04"],
            "by the given name, Đ after D"
        );
        sort(&mut rows, SortBy::Outcome, Dir::Asc);
        assert_eq!(numbers(&rows), ["02", "03", "01", "04", "05"]);
        sort(&mut rows, SortBy::Number, Dir::Desc);
        assert_eq!(numbers(&rows), ["05", "04", "03", "02", "01"]);
        assert_eq!(SortBy::parse("total"), SortBy::Total);
        assert_eq!(SortBy::parse("1; DROP"), SortBy::Number);
        assert_eq!(Dir::parse("desc").flip(), Dir::Asc);
    }
}
