//! Matching a board's file of practical scores against a session (pure): each row's candidate
//! on the roster (by full candidate number, or by its sequence "012"), having sat the exam;
//! its part (by code or title); its score within the part's range; its marking among the
//! part's; no two rows for one candidate, part and marking. Every bad row is named.

use std::collections::HashMap;

use super::{
    practical::Latest,
    practical_file::{PracticalFile, problem},
};
use crate::{
    attempts::model::{candidate_number, normalise_candidate_number},
    banks::{
        answers::fold_text,
        report::{Diagnostic, args},
    },
    blueprints::model::Part,
    grading::model::{Points, points_vi},
};

/// A candidate on the session's roster.
pub struct OnRoster<'a> {
    pub attempt_id: &'a str,
    pub number: &'a str,
    /// Submitted: a practical score may be entered.
    pub submitted: bool,
}

/// A row matched to the entry it makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched {
    pub row: usize,
    pub attempt_id: String,
    pub number: String,
    pub part_code: String,
    pub marking: u8,
    pub points: Points,
    pub grader: String,
}

impl Matched {
    /// The latest entry of its marking has this very score: entering it again changes nothing.
    pub fn unchanged(&self, latest: &[Latest]) -> bool {
        latest.iter().any(|e| {
            e.attempt_id == self.attempt_id
                && e.part_code == self.part_code
                && e.marking == i64::from(self.marking)
                && e.points() == self.points
        })
    }
}

/// The rows as entries, or every problem found (a file with any problem enters nothing).
/// `parts` are the blueprint's parts scored outside sathach.
pub fn match_rows(
    file: &PracticalFile,
    session_code: &str,
    roster: &[OnRoster<'_>],
    parts: &[&Part],
) -> Result<Vec<Matched>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let part_list = parts
        .iter()
        .map(|p| format!("{} ({})", p.code, p.title))
        .collect::<Vec<_>>()
        .join(", ");
    if parts.is_empty() {
        return Err(vec![problem(0, "practical.none", args![])]);
    }
    let several = parts.len() > 1;
    if several && !file.has_part_column {
        let args = args![parts = part_list.as_str()];
        problems.push(problem(
            file.header_row,
            "practical.file.no_part_column",
            args,
        ));
    }
    let by_number: HashMap<String, &OnRoster<'_>> =
        roster.iter().map(|c| (number_key(c.number), c)).collect();
    let find = |typed: &str| {
        let typed = number_key(typed);
        by_number.get(&typed).copied().or_else(|| {
            let sequence = typed.parse::<i64>().ok()?;
            by_number
                .get(&number_key(&candidate_number(session_code, sequence)))
                .copied()
        })
    };
    let mut matched = Vec::with_capacity(file.rows.len());
    let mut seen: HashMap<(&str, &str, u8), usize> = HashMap::new();
    for row in &file.rows {
        let before = problems.len();
        let at = |key, args| problem(row.row, key, args);
        let part = match &row.part {
            Some(text) => {
                let folded = fold_text(text, true);
                let part = parts.iter().find(|p| {
                    fold_text(&p.code, true) == folded || fold_text(&p.title, true) == folded
                });
                if part.is_none() {
                    let args = args![part = text.as_str(), parts = part_list.as_str()];
                    problems.push(at("practical.file.unknown_part", args));
                }
                part
            }
            None if !several => parts.first(),
            None => {
                if file.has_part_column {
                    let args = args![parts = part_list.as_str()];
                    problems.push(at("practical.file.no_part", args));
                }
                None
            }
        };
        let candidate = find(&row.number);
        match candidate {
            None => {
                let args = args![number = row.number.as_str()];
                problems.push(at("practical.file.unknown_number", args));
            }
            Some(c) if !c.submitted => {
                let args = args![number = c.number];
                problems.push(at("practical.file.not_sat", args));
            }
            Some(_) => {}
        }
        let points = Points::new(i64::from(row.points.0), 1000);
        if let Some(part) = part {
            let max = part.external_max_points.unwrap_or_default();
            if points > Points::from_integer(i64::from(max)) {
                let args = args![points = points_vi(points), max = max.to_string()];
                problems.push(at("practical.file.out_of_range", args));
            }
            let marking = part.marking.unwrap_or_default();
            if marking.graders == 1 && row.marking > 1 {
                let args = args![marking = row.marking.to_string(), part = part.code.as_str()];
                problems.push(at("practical.file.single_grader", args));
            }
        }
        if let (Some(part), Some(candidate)) = (part, candidate) {
            let key = (candidate.attempt_id, part.code.as_str(), row.marking);
            if let Some(first) = seen.get(&key) {
                let args = args![first = *first, number = candidate.number];
                problems.push(at("practical.file.duplicate", args));
            } else {
                seen.insert(key, row.row);
            }
            if problems.len() == before {
                matched.push(Matched {
                    row: row.row,
                    attempt_id: candidate.attempt_id.to_string(),
                    number: candidate.number.to_string(),
                    part_code: part.code.clone(),
                    marking: row.marking,
                    points,
                    grader: row.grader.clone(),
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(matched)
    } else {
        Err(problems)
    }
}

/// A candidate number compared as typed in a spreadsheet: "k7qm 001" is "K7QM-001".
fn number_key(number: &str) -> String {
    normalise_candidate_number(number)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

#[cfg(test)]
#[path = "practical_match_tests.rs"]
mod tests;
