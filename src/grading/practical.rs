//! The score that counts for a part marked outside sathach: one grader's, or the mean of two
//! close enough, or a third marking's when they are not; rounded as the blueprint says. No IO.

use super::model::Points;
use crate::blueprints::model::{Marking, Thousandths};

/// Where the marking of one candidate's part stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    /// Nothing entered yet.
    Missing,
    /// Double marking: one of the two scores is entered.
    AwaitingSecond,
    /// Double marking: the two scores differ by more than the blueprint allows.
    AwaitingThird { difference: Points },
    /// The score that counts, rounded.
    Score(Points),
}

fn exact(t: Thousandths) -> Points {
    Points::new(i64::from(t.0), 1000)
}

/// Rounds to the nearest multiple of `step`, halves up (7.125 → 7.25 with a step of 0.25).
pub fn round_to(points: Points, step: Thousandths) -> Points {
    let step = exact(step);
    let steps = (points / step + Points::new(1, 2)).floor();
    steps * step
}

/// The counted score from the latest entry of each marking (first, second, third grader).
pub fn counted(marking: &Marking, entries: [Option<Points>; 3]) -> Counted {
    let rounded = |p: Points| marking.rounding.map_or(p, |step| round_to(p, step));
    match (marking.graders, entries) {
        (_, [None, None, None]) => Counted::Missing,
        (1, [Some(first), _, _]) => Counted::Score(rounded(first)),
        (1, _) => Counted::Missing,
        (_, [Some(a), Some(b), third]) => {
            let difference = if a > b { a - b } else { b - a };
            if difference <= exact(marking.max_difference) {
                Counted::Score(rounded((a + b) / 2))
            } else {
                match third {
                    Some(c) => Counted::Score(rounded(c)),
                    None => Counted::AwaitingThird { difference },
                }
            }
        }
        (_, [_, _, Some(c)]) => Counted::Score(rounded(c)),
        _ => Counted::AwaitingSecond,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Option<Points> {
        Some(exact(Thousandths::parse(text).unwrap()))
    }

    fn double(max_difference: &str, rounding: Option<&str>) -> Marking {
        Marking {
            graders: 2,
            max_difference: Thousandths::parse(max_difference).unwrap(),
            rounding: rounding.map(|r| Thousandths::parse(r).unwrap()),
        }
    }

    #[test]
    fn one_grader_counts_as_entered_and_rounded() {
        let single = Marking {
            rounding: Thousandths::parse("0.25"),
            ..Marking::default()
        };
        assert_eq!(counted(&single, [None, None, None]), Counted::Missing);
        assert_eq!(
            counted(&single, [p("7.125"), None, None]),
            Counted::Score(Points::new(29, 4))
        );
        assert_eq!(
            counted(&Marking::default(), [p("7.1"), None, None]),
            Counted::Score(Points::new(71, 10))
        );
    }

    #[test]
    fn two_graders_within_the_threshold_give_their_mean_else_a_third_decides() {
        let board = double("1", Some("0.25"));
        assert_eq!(
            counted(&board, [p("6"), None, None]),
            Counted::AwaitingSecond
        );
        assert_eq!(
            counted(&board, [None, p("6"), None]),
            Counted::AwaitingSecond
        );
        // Exactly at the threshold: the mean 6.5 counts.
        assert_eq!(
            counted(&board, [p("6"), p("7"), None]),
            Counted::Score(Points::new(13, 2))
        );
        // 6.25 and 6.75 → 6.5; 6 and 6.75 → 6.375 → 6.5 (halves up).
        assert_eq!(
            counted(&board, [p("6"), p("6.75"), None]),
            Counted::Score(Points::new(13, 2))
        );
        assert_eq!(
            counted(&board, [p("5"), p("7"), None]),
            Counted::AwaitingThird {
                difference: Points::from_integer(2)
            }
        );
        assert_eq!(
            counted(&board, [p("5"), p("7"), p("6.1")]),
            Counted::Score(Points::from_integer(6))
        );
        // A third marking entered while the two agree changes nothing.
        assert_eq!(
            counted(&board, [p("6"), p("6.5"), p("9")]),
            Counted::Score(Points::new(25, 4))
        );
    }

    #[test]
    fn rounding_is_to_the_nearest_step_halves_up() {
        let quarter = Thousandths(250);
        assert_eq!(
            round_to(Points::new(7125, 1000), quarter),
            Points::new(29, 4)
        );
        assert_eq!(
            round_to(Points::new(7124, 1000), quarter),
            Points::from_integer(7)
        );
        assert_eq!(
            round_to(Points::new(1, 3), Thousandths(500)),
            Points::new(1, 2)
        );
        assert_eq!(
            round_to(Points::from_integer(0), quarter),
            Points::from_integer(0)
        );
    }
}
