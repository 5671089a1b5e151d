//! Item analysis and the overview as rules, no IO: taking a scored attempt apart into one row
//! per item, the period asked for (whole months in Vietnam's time), discrimination from sums
//! (as SQL returns them), and the tallies by centre, module and month.

use std::collections::{BTreeMap, HashMap};

use crate::{
    grading::{
        model::{Points, Response, ScoreResult},
        stats::CHECK_KEY_BELOW,
    },
    vocab::Date,
};

/// Fewest responses (for an item) or attempts (for a test) before a figure is shown: below
/// this, facility and discrimination move too much from one candidate to the next to act on.
pub const DEFAULT_MIN_RESPONSES: usize = 30;

/// One item of one scored attempt, as `scored_items` keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredItem {
    pub item_id: String,
    pub version_id: String,
    pub fraction: f64,
    pub points: f64,
    /// The attempt's points on its other items.
    pub rest: f64,
    /// Options chosen by their index in the bank; true/false answers as 0 (true) and 1 (false).
    pub choices: Vec<usize>,
    pub answered: bool,
}

fn as_f64(points: Points) -> f64 {
    *points.numer() as f64 / *points.denom() as f64
}

/// The items of a scored attempt with the candidate's responses (keyed by item id).
pub fn take_apart(score: &ScoreResult, responses: &HashMap<String, Response>) -> Vec<ScoredItem> {
    let total: f64 = score.items.iter().map(|i| as_f64(i.points)).sum();
    score
        .items
        .iter()
        .map(|i| {
            let points = as_f64(i.points);
            let response = responses.get(&i.item_id);
            ScoredItem {
                item_id: i.item_id.clone(),
                version_id: i.version_id.clone(),
                fraction: if i.max > 0 {
                    points / i.max as f64
                } else {
                    0.0
                },
                points,
                rest: total - points,
                choices: match response {
                    Some(Response::Choices(c)) => c.clone(),
                    Some(Response::TrueFalse(true)) => vec![0],
                    Some(Response::TrueFalse(false)) => vec![1],
                    _ => vec![],
                },
                answered: response.is_some(),
            }
        })
        .collect()
}

/// `"0,2"`: chosen options as stored.
pub fn choices_text(choices: &[usize]) -> String {
    choices
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

pub fn parse_choices(text: &str) -> Vec<usize> {
    text.split(',').filter_map(|c| c.parse().ok()).collect()
}

/// A calendar month in Vietnam.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// `2026-03` (as `<input type="month">` sends it) or `03/2026`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (year, month) = match text.split_once('-') {
            Some((y, m)) => (y, m),
            None => {
                let (m, y) = text.split_once('/')?;
                (y, m)
            }
        };
        let (year, month) = (year.trim().parse().ok()?, month.trim().parse().ok()?);
        ((1900..=2100).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    pub fn of_ms(ms: i64) -> Self {
        let Date(year, month, _) = crate::clock::local_date(ms);
        Self { year, month }
    }

    /// `2026-03`, as dates are stored (`earned_on`, `issued_on` begin with it).
    pub fn iso(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `03/2026`, as staff write it.
    pub fn display(self) -> String {
        format!("{:02}/{:04}", self.month, self.year)
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                month: self.month + 1,
                ..self
            }
        }
    }

    fn back(self, months: u32) -> Self {
        let index = self.year * 12 + self.month as i32 - 1 - months as i32;
        Self {
            year: index.div_euclid(12),
            month: index.rem_euclid(12) as u32 + 1,
        }
    }

    /// The month's first moment in Vietnam, in UTC milliseconds.
    pub fn start_ms(self) -> i64 {
        crate::clock::local_to_ms(Date(self.year, self.month, 1), "00:00").unwrap_or_default()
    }
}

/// Whole months, first to last, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

/// The longest period one page adds up: ten years.
pub const MAX_MONTHS: usize = 120;

impl Period {
    /// The twelve months ending with the current one.
    pub fn last_year(now_ms: i64) -> Self {
        let to = Month::of_ms(now_ms);
        Self {
            from: to.back(11),
            to,
        }
    }

    /// The period asked for in an address; an empty field takes the default's end. Err is
    /// the message key saying what is wrong.
    pub fn asked(from: Option<&str>, to: Option<&str>, now_ms: i64) -> Result<Self, &'static str> {
        let default = Self::last_year(now_ms);
        let read = |text: Option<&str>, fallback: Month| match text.map(str::trim) {
            None | Some("") => Ok(fallback),
            Some(t) => Month::parse(t).ok_or("analysis.period_unreadable"),
        };
        let period = Self {
            from: read(from, default.from)?,
            to: read(to, default.to)?,
        };
        if period.from > period.to {
            return Err("analysis.period_reversed");
        }
        if period.months().len() > MAX_MONTHS {
            return Err("analysis.period_too_long");
        }
        Ok(period)
    }

    pub fn months(self) -> Vec<Month> {
        let mut months = vec![self.from];
        while let Some(last) = months.last().copied().filter(|m| *m < self.to) {
            months.push(last.next());
            if months.len() > MAX_MONTHS + 1 {
                break;
            }
        }
        months
    }

    /// `[start, end)` in UTC milliseconds.
    pub fn bounds_ms(self) -> (i64, i64) {
        (self.from.start_ms(), self.to.next().start_ms())
    }

    /// `[first day, day after)` as stored dates (`yyyy-mm-dd`).
    pub fn bounds_iso(self) -> (String, String) {
        (
            format!("{}-01", self.from.iso()),
            format!("{}-01", self.to.next().iso()),
        )
    }
}

/// Sums over one item's responses, as SQL adds them up: x the share earned, y the rest score.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sums {
    pub n: i64,
    pub x: f64,
    pub y: f64,
    pub xx: f64,
    pub yy: f64,
    pub xy: f64,
}

impl Sums {
    pub fn facility(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.x / self.n as f64
        }
    }

    /// The point-biserial correlation of the share earned with the rest score (population
    /// moments, as `grading::stats` computes it from rows); None when either never varies.
    pub fn discrimination(&self) -> Option<f64> {
        let n = self.n as f64;
        if self.n < 2 {
            return None;
        }
        let (mx, my) = (self.x / n, self.y / n);
        let (vx, vy) = (self.xx / n - mx * mx, self.yy / n - my * my);
        if vx <= 1e-12 || vy <= 1e-12 {
            return None;
        }
        Some((self.xy / n - mx * my) / (vx * vy).sqrt())
    }

    /// Flagged "check the key": enough responses and a discrimination below the limit.
    pub fn check_key(&self, min_responses: usize) -> bool {
        self.n as usize >= min_responses
            && self.discrimination().is_some_and(|r| r < CHECK_KEY_BELOW)
    }
}

/// What one sitting contributes to the overview.
#[derive(Clone, Debug, Default)]
pub struct SessionFigures {
    pub organisation_id: String,
    pub blueprint_version_id: String,
    pub starts_at: i64,
    pub approved: bool,
    /// Attempts started.
    pub sat: i64,
    /// Current outcomes of approved results.
    pub passed: i64,
    pub failed: i64,
}

/// Counts for one row of the overview (a centre, a module, a month, or everything).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tallies {
    pub sittings: i64,
    pub approved_sittings: i64,
    pub sat: i64,
    pub passed: i64,
    pub failed: i64,
    /// Credit lines earned, and those revoked since.
    pub credits: i64,
    pub revoked: i64,
    pub certificates: i64,
}

impl Tallies {
    /// Passes among approved results, when there are any.
    pub fn pass_rate(&self) -> Option<f64> {
        let decided = self.passed + self.failed;
        (decided > 0).then(|| self.passed as f64 / decided as f64)
    }

    fn add_session(&mut self, s: &SessionFigures) {
        self.sittings += 1;
        self.approved_sittings += i64::from(s.approved);
        self.sat += s.sat;
        self.passed += s.passed;
        self.failed += s.failed;
    }
}

/// Credit lines or certificates of one organisation, month and module (certificates: the
/// certificate's code), as SQL counts them.
#[derive(Clone, Debug)]
pub struct Issued {
    pub organisation_id: String,
    /// `yyyy-mm`.
    pub month: String,
    pub module: String,
    pub kind: IssuedKind,
    pub count: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssuedKind {
    Credit,
    Revoked,
    Certificate,
}

/// The overview's tables: every row keyed by what it is about, in key order.
#[derive(Clone, Debug, Default)]
pub struct Overview {
    pub totals: Tallies,
    pub by_centre: BTreeMap<String, Tallies>,
    pub by_module: BTreeMap<String, Tallies>,
    pub by_month: BTreeMap<Month, Tallies>,
}

/// Adds up sittings and what was issued. `modules` gives each blueprint version's modules: a
/// sitting counts once under each module its exam covers. Every month of the period has a
/// row, even an empty one.
pub fn add_up(
    period: Period,
    sessions: &[SessionFigures],
    modules: &HashMap<String, Vec<String>>,
    issued: &[Issued],
) -> Overview {
    let mut o = Overview::default();
    for month in period.months() {
        o.by_month.insert(month, Tallies::default());
    }
    for s in sessions {
        o.totals.add_session(s);
        o.by_centre
            .entry(s.organisation_id.clone())
            .or_default()
            .add_session(s);
        for module in modules.get(&s.blueprint_version_id).into_iter().flatten() {
            o.by_module
                .entry(module.clone())
                .or_default()
                .add_session(s);
        }
        o.by_month
            .entry(Month::of_ms(s.starts_at))
            .or_default()
            .add_session(s);
    }
    for i in issued {
        let month = Month::parse(&i.month);
        let add = |t: &mut Tallies| match i.kind {
            IssuedKind::Credit => t.credits += i.count,
            IssuedKind::Revoked => t.revoked += i.count,
            IssuedKind::Certificate => t.certificates += i.count,
        };
        add(&mut o.totals);
        add(o.by_centre.entry(i.organisation_id.clone()).or_default());
        if i.kind != IssuedKind::Certificate {
            add(o.by_module.entry(i.module.clone()).or_default());
        }
        if let Some(month) = month {
            add(o.by_month.entry(month).or_default());
        }
    }
    o
}
