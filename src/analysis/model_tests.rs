//! Rules of item analysis and the overview: months and periods in Vietnam's time, the
//! discrimination from sums agreeing with the one from rows, taking a result apart, adding up
//! by centre, module and month, and the table's order.

use std::collections::HashMap;

use super::{
    item_table::{self, Line, SortBy},
    model::*,
};
use crate::{
    grading::{
        model::{ItemScore, Outcome, Points, Response, Rule, ScoreResult, Tally},
        stats::{AttemptRecord, ItemRecord, statistics},
    },
    results::table::Dir,
};

fn month(year: i32, month: u32) -> Month {
    Month { year, month }
}

#[test]
fn months_are_read_both_ways_and_periods_check_their_ends() {
    assert_eq!(Month::parse("2026-03"), Some(month(2026, 3)));
    assert_eq!(Month::parse(" 03/2026 "), Some(month(2026, 3)));
    for bad in ["2026-13", "2026", "13/2026", "abc", "2026-03-01", "0/2026"] {
        assert_eq!(Month::parse(bad), None, "{bad}");
    }
    assert_eq!(month(2026, 12).next(), month(2027, 1));
    // January 2026 begins at midnight in Vietnam: 17:00 UTC on 31 December.
    assert_eq!(
        crate::clock::rfc3339_utc(month(2026, 1).start_ms()),
        "2025-12-31T17:00:00Z"
    );
    let now = crate::clock::local_to_ms(crate::vocab::Date(2026, 3, 15), "10:00").unwrap();
    let default = Period::last_year(now);
    assert_eq!((default.from, default.to), (month(2025, 4), month(2026, 3)));
    assert_eq!(default.months().len(), 12);
    assert_eq!(Period::asked(None, Some(""), now), Ok(default));
    let asked = Period::asked(Some("2026-01"), Some("02/2026"), now).unwrap();
    assert_eq!(asked.months(), vec![month(2026, 1), month(2026, 2)]);
    assert_eq!(
        asked.bounds_iso(),
        ("2026-01-01".to_string(), "2026-03-01".to_string())
    );
    assert_eq!(
        Period::asked(Some("2026-02"), Some("2026-01"), now),
        Err("analysis.period_reversed")
    );
    assert_eq!(
        Period::asked(Some("2000-01"), Some("2026-01"), now),
        Err("analysis.period_too_long")
    );
    assert_eq!(
        Period::asked(Some("tháng 1"), None, now),
        Err("analysis.period_unreadable")
    );
}

#[test]
fn discrimination_from_sums_is_the_point_biserial_from_rows() {
    // Eight attempts of three items with partial credit on the third.
    let fractions = [
        [1.0, 1.0, 0.5],
        [1.0, 0.0, 1.0],
        [0.0, 1.0, 0.0],
        [1.0, 1.0, 1.0],
        [0.0, 0.0, 0.5],
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 1.0],
        [1.0, 1.0, 0.5],
    ];
    let attempts: Vec<AttemptRecord> = fractions
        .iter()
        .map(|row| AttemptRecord {
            items: row
                .iter()
                .enumerate()
                .map(|(i, f)| ItemRecord {
                    item_id: format!("I{i}"),
                    fraction: *f,
                    points: *f,
                    choices: vec![],
                    answered: true,
                })
                .collect(),
        })
        .collect();
    let (items, _) = statistics(&attempts);
    for (i, stats) in items.iter().enumerate() {
        let mut sums = Sums::default();
        for row in &fractions {
            let (x, y) = (row[i], row.iter().sum::<f64>() - row[i]);
            sums.n += 1;
            sums.x += x;
            sums.y += y;
            sums.xx += x * x;
            sums.yy += y * y;
            sums.xy += x * y;
        }
        let (from_sums, from_rows) = (sums.discrimination(), stats.point_biserial);
        assert!(
            (from_sums.unwrap() - from_rows.unwrap()).abs() < 1e-12,
            "item {i}: {from_sums:?} vs {from_rows:?}"
        );
        assert!((sums.facility() - stats.facility).abs() < 1e-12);
    }
    // Nothing varies: no figure, no flag.
    let flat = Sums {
        n: 40,
        x: 40.0,
        y: 400.0,
        xx: 40.0,
        yy: 4000.0,
        xy: 400.0,
    };
    assert_eq!(flat.discrimination(), None);
    assert!(!flat.check_key(30));
}

fn item(id: &str, points: i64, max: i64) -> ItemScore {
    ItemScore {
        item_id: id.into(),
        version_id: format!("v-{id}"),
        part: "p".into(),
        section: String::new(),
        topic: String::new(),
        module: String::new(),
        response: String::new(),
        key: String::new(),
        rule: Rule::AllOrNothing,
        points: Points::new(points, 2),
        max,
    }
}

#[test]
fn a_result_is_taken_apart_with_each_item_s_share_rest_and_choices() {
    let score = ScoreResult {
        items: vec![item("A", 2, 1), item("B", 1, 2), item("C", 0, 1)],
        total: Tally::default(),
        parts: vec![],
        sections: vec![],
        topics: Default::default(),
        modules: vec![],
        outcome: Outcome::Pass,
    };
    let responses = HashMap::from([
        ("A".to_string(), Response::Choices(vec![0, 2])),
        ("B".to_string(), Response::TrueFalse(false)),
    ]);
    let items = take_apart(&score, &responses);
    // A: 1 of 1 point; B: ½ of 2 points (a quarter); C: unanswered, 0.
    assert_eq!(items[0].fraction, 1.0);
    assert_eq!(items[1].fraction, 0.25);
    assert_eq!(items[0].rest, 0.5);
    assert_eq!(items[1].rest, 1.0);
    assert_eq!(items[0].choices, vec![0, 2]);
    assert_eq!(items[1].choices, vec![1], "false is the second option");
    assert!(items[1].answered && !items[2].answered);
    assert_eq!(parse_choices(&choices_text(&items[0].choices)), vec![0, 2]);
}

#[test]
fn sittings_and_issues_add_up_by_centre_module_and_month() {
    let jan = crate::clock::local_to_ms(crate::vocab::Date(2026, 1, 31), "23:30").unwrap();
    let feb = crate::clock::local_to_ms(crate::vocab::Date(2026, 2, 1), "00:30").unwrap();
    let sitting =
        |org: &str, version: &str, at: i64, approved: bool, counts: [i64; 3]| SessionFigures {
            organisation_id: org.into(),
            blueprint_version_id: version.into(),
            starts_at: at,
            approved,
            sat: counts[0],
            passed: counts[1],
            failed: counts[2],
        };
    let sessions = [
        sitting("A", "v1", jan, true, [10, 6, 4]),
        sitting("B", "v2", feb, true, [5, 1, 4]),
        sitting("B", "v1", feb, false, [3, 0, 0]),
    ];
    let modules = HashMap::from([
        ("v1".to_string(), vec!["IU01".to_string()]),
        (
            "v2".to_string(),
            vec!["IU01".to_string(), "IU02".to_string()],
        ),
    ]);
    let issued = [Issued {
        organisation_id: "A".into(),
        month: "2026-01".into(),
        module: "IU01".into(),
        kind: IssuedKind::Credit,
        count: 6,
    }];
    let period = Period {
        from: month(2026, 1),
        to: month(2026, 3),
    };
    let o = add_up(period, &sessions, &modules, &issued);
    assert_eq!(o.totals.sittings, 3);
    assert_eq!(o.totals.approved_sittings, 2);
    assert_eq!((o.totals.sat, o.totals.passed, o.totals.failed), (18, 7, 8));
    assert_eq!(o.totals.credits, 6);
    // 23:30 on 31 January in Vietnam is January; 00:30 on 1 February is February.
    assert_eq!(o.by_month[&month(2026, 1)].sat, 10);
    assert_eq!(o.by_month[&month(2026, 2)].sat, 8);
    assert_eq!(
        o.by_month[&month(2026, 3)],
        Tallies::default(),
        "an empty month has its row"
    );
    assert_eq!(o.by_centre["B"].pass_rate(), Some(0.2));
    // A sitting of two modules counts under each.
    assert_eq!(o.by_module["IU01"].sittings, 3);
    assert_eq!(o.by_module["IU02"].sittings, 1);
    assert_eq!(o.by_module["IU02"].pass_rate(), Some(0.2));
    assert_eq!(Tallies::default().pass_rate(), None);
}

fn line(id: &str, responses: usize, facility: f64, flagged: bool) -> Line {
    Line {
        item_id: id.into(),
        native_id: id.into(),
        bank_id: String::new(),
        bank_code: "B".into(),
        version_id: String::new(),
        topic: String::new(),
        responses,
        shown: responses >= 30,
        facility,
        point_biserial: Some(facility - 0.5),
        upper_lower: None,
        options: vec![],
        check_key: flagged,
    }
}

#[test]
fn the_table_sorts_flagged_first_and_hidden_figures_last_either_way() {
    let mut lines = vec![
        line("C", 40, 0.9, false),
        line("A", 5, 0.1, false),
        line("B", 40, 0.3, true),
    ];
    item_table::sort(&mut lines, SortBy::Flag, Dir::Asc);
    let ids = |l: &[Line]| l.iter().map(|l| l.native_id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&lines), ["B", "A", "C"]);
    item_table::sort(&mut lines, SortBy::Facility, Dir::Asc);
    assert_eq!(
        ids(&lines),
        ["B", "C", "A"],
        "A has too few responses: last"
    );
    item_table::sort(&mut lines, SortBy::Facility, Dir::Desc);
    assert_eq!(ids(&lines), ["C", "B", "A"], "still last the other way");
    item_table::sort(&mut lines, SortBy::Item, Dir::Desc);
    assert_eq!(ids(&lines), ["C", "B", "A"]);
    assert_eq!(lines[2].facility_text(crate::vocab::Lang::Vi), "", "hidden");
    assert_eq!(lines[0].facility_text(crate::vocab::Lang::Vi), "0,9");
}
