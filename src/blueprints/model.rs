//! Blueprints: what a paper must contain (parts, sections and their draw rules), timing,
//! pass rules as exact ratios, review policy and retakes. No IO here.

use serde::{Deserialize, Serialize};

use crate::banks::model::{Difficulty, Item, ItemKind};

/// An exact share, such as 75 % (75/100) or "each part ≥ 5/10" (5/10): pass decisions never
/// go through floating point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Ratio {
    pub num: u32,
    pub den: u32,
}

impl Ratio {
    /// Parses `"75%"`, `"62.5%"` or `"5/10"`; refuses shares above 100 %.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().replace(',', ".");
        let ratio = if let Some(percent) = text.strip_suffix('%') {
            let (whole, frac) = percent
                .trim()
                .split_once('.')
                .unwrap_or((percent.trim(), ""));
            if frac.len() > 2
                || !whole
                    .chars()
                    .chain(frac.chars())
                    .all(|c| c.is_ascii_digit())
                || whole.is_empty()
            {
                return None;
            }
            let scale = 10u32.pow(frac.len() as u32);
            let num =
                whole.parse::<u32>().ok()?.checked_mul(scale)? + frac.parse::<u32>().unwrap_or(0);
            Ratio {
                num,
                den: 100 * scale,
            }
        } else {
            let (num, den) = text.split_once('/')?;
            Ratio {
                num: num.trim().parse().ok()?,
                den: den.trim().parse().ok()?,
            }
        };
        (ratio.den > 0 && ratio.num <= ratio.den).then_some(ratio)
    }

    /// Is `points` out of `max` at least this share? Exact integer arithmetic.
    pub fn met_by(self, points: u64, max: u64) -> bool {
        points * u64::from(self.den) >= max * u64::from(self.num)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Navigation {
    /// Candidates move freely between questions.
    Free,
    /// Next only: a question once left cannot be revisited.
    Sequential,
}

/// What a candidate sees after submitting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    Nothing,
    Score,
    ScoreByTopic,
    Full,
}

/// Which items a section may draw.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Filter {
    pub topics: Vec<String>,
    pub difficulties: Vec<Difficulty>,
    pub kinds: Vec<ItemKind>,
    pub tags: Vec<String>,
}

impl Filter {
    pub fn accepts(&self, item: &Item) -> bool {
        (self.topics.is_empty() || self.topics.contains(&item.topic))
            && (self.difficulties.is_empty() || self.difficulties.contains(&item.difficulty))
            && (self.kinds.is_empty() || self.kinds.contains(&item.body.kind()))
            && (self.tags.is_empty() || item.tags.iter().any(|t| self.tags.contains(t)))
    }
}

/// A draw rule: `count` items from `banks`, through `filter`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Section {
    pub title: String,
    pub module: String,
    pub banks: Vec<String>,
    pub filter: Filter,
    pub count: u32,
    /// Points per item; None keeps each item's own points.
    pub points: Option<u32>,
    pub line: usize,
}

/// A part of the exam: drawn from banks (theory) or scored outside sathach (practical).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Part {
    pub code: String,
    pub title: String,
    /// Some(max points) for a part scored outside sathach and entered later.
    pub external_max_points: Option<u32>,
    /// How a part scored outside sathach is marked (None for a drawn part).
    pub marking: Option<Marking>,
    pub pass: Option<Ratio>,
    pub sections: Vec<Section>,
}

/// Points written as a decimal with up to three places ("0,25", "1", "0.5"), kept exact as
/// thousandths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thousandths(pub u32);

impl Thousandths {
    /// Parses a non-negative decimal with a point or a comma and at most three places.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().replace(',', ".");
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || frac.len() > 3 || !digits(whole) || !digits(frac) {
            return None;
        }
        let frac = format!("{frac:0<3}");
        let value = whole.parse::<u32>().ok()?.checked_mul(1000)? + frac.parse::<u32>().ok()?;
        Some(Self(value))
    }
}

/// How a part scored outside sathach is marked: by one grader, or by two whose mean counts
/// when they differ by at most `max_difference` (else a third marking decides); the counted
/// score is rounded to the nearest multiple of `rounding`, halves up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Marking {
    pub graders: u8,
    pub max_difference: Thousandths,
    pub rounding: Option<Thousandths>,
}

impl Default for Marking {
    fn default() -> Self {
        Self {
            graders: 1,
            max_difference: Thousandths(0),
            rounding: None,
        }
    }
}

/// The target expected difficulty of every paper, on the difficulty scale (thousandths).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DifficultyTarget {
    pub target: u16,
    pub tolerance: u16,
}

impl DifficultyTarget {
    pub fn accepts(self, permille: f64) -> bool {
        (permille - f64::from(self.target)).abs() <= f64::from(self.tolerance) + 1e-9
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Blueprint {
    pub code: String,
    pub title: String,
    pub modules: Vec<String>,
    /// With several modules: each module's sections must pass on their own.
    pub separate_module_pass: bool,
    pub duration_minutes: u32,
    pub navigation: Navigation,
    pub review: Review,
    pub attempts_allowed: u32,
    pub retake_wait_days: u32,
    pub shuffle_items: bool,
    pub shuffle_options: bool,
    /// Partial credit for multiple-response, matching and ordering items (else all or nothing;
    /// a multiple-response item may also ask for it itself).
    pub partial_credit: bool,
    pub difficulty: Option<DifficultyTarget>,
    /// Share of all points needed overall; None: every part's own rule decides.
    pub pass: Option<Ratio>,
    pub parts: Vec<Part>,
}

impl Blueprint {
    /// Every drawn section, with its part's code.
    pub fn sections(&self) -> impl Iterator<Item = (&Part, &Section)> {
        self.parts
            .iter()
            .flat_map(|p| p.sections.iter().map(move |s| (p, s)))
    }

    /// Items a paper holds.
    pub fn item_count(&self) -> u32 {
        self.sections().map(|(_, s)| s.count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_exactly_with_a_point_or_a_comma() {
        assert_eq!(Thousandths::parse("0,25"), Some(Thousandths(250)));
        assert_eq!(Thousandths::parse("1"), Some(Thousandths(1000)));
        assert_eq!(Thousandths::parse(" 2.5 "), Some(Thousandths(2500)));
        for bad in ["", "-1", "0.1234", "1,2,3", "a", ".5"] {
            assert_eq!(Thousandths::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ratios_are_exact_at_the_threshold() {
        let icdl = Ratio::parse("75%").unwrap();
        assert!(icdl.met_by(27, 36), "27/36 is exactly 75 %");
        assert!(!icdl.met_by(26, 36));
        let half = Ratio::parse("5/10").unwrap();
        assert!(half.met_by(5, 10) && !half.met_by(49, 100));
        assert_eq!(
            Ratio::parse("62,5%"),
            Some(Ratio {
                num: 625,
                den: 1000
            })
        );
        assert_eq!(Ratio::parse("120%"), None);
        assert_eq!(Ratio::parse("11/10"), None);
        assert_eq!(Ratio::parse("abc"), None);
    }
}
