//! Unit tests of the credit rules against the shipped catalog.

use super::*;
use crate::banks::catalog::catalog;

fn passed(module: &str, date: Date, centre: &str) -> Entry {
    Entry {
        module: module.into(),
        date,
        centre: centre.into(),
        source: Source::Attempt(format!("a-{module}-{}", date.iso())),
    }
}

fn basic(day: Date) -> Vec<Entry> {
    ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"]
        .iter()
        .enumerate()
        .map(|(i, m)| passed(m, Date(day.0, day.1, day.2 + i as u32), "TT-A"))
        .collect()
}

fn codes(standing: &Standing) -> Vec<&str> {
    standing
        .certificates
        .iter()
        .map(|c| c.certificate.as_str())
        .collect()
}

fn modules(satisfied: &Satisfied) -> Vec<&str> {
    satisfied
        .entries
        .iter()
        .map(|e| e.module.as_str())
        .collect()
}

#[test]
fn all_six_basic_modules_across_centres_give_the_basic_certificate() {
    let mut entries = basic(Date(2026, 3, 2));
    entries[4].centre = "TT-B".into();
    let standing = standing(catalog(), &entries, &[]);
    assert_eq!(codes(&standing), ["TT03-CB"]);
    let cb = &standing.certificates[0];
    assert_eq!(
        modules(cb),
        ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"]
    );
    assert_eq!(cb.entries[4].centre, "TT-B");
    assert_eq!(cb.satisfied_on, Date(2026, 3, 7), "the latest of the six");
    assert_eq!(
        cb.expires_on, None,
        "Circular 03 certificates do not expire"
    );
    assert_eq!(standing.credits, 6);
}

#[test]
fn five_of_six_is_not_the_basic_certificate() {
    let mut entries = basic(Date(2026, 3, 2));
    entries.remove(2);
    let standing = standing(catalog(), &entries, &[]);
    assert!(standing.certificates.is_empty());
    assert_eq!(standing.credits, 5);
}

#[test]
fn basic_plus_three_advanced_gives_the_advanced_certificate_but_two_do_not() {
    let mut entries = basic(Date(2026, 3, 2));
    entries.push(passed("IU08", Date(2026, 5, 10), "TT-A"));
    entries.push(passed("IU14", Date(2026, 4, 1), "TT-B"));
    let two = standing(catalog(), &entries, &[]);
    assert_eq!(codes(&two), ["TT03-CB"]);
    assert_eq!(two.credits, 6 + 2 * 2);
    entries.push(passed("IU10", Date(2026, 6, 20), "TT-A"));
    let three = standing(catalog(), &entries, &[]);
    assert_eq!(codes(&three), ["TT03-CB", "TT03-NC"]);
    let nc = &three.certificates[1];
    assert_eq!(
        modules(nc),
        [
            "IU01", "IU02", "IU03", "IU04", "IU05", "IU06", "IU08", "IU10", "IU14"
        ]
    );
    assert_eq!(nc.satisfied_on, Date(2026, 6, 20));
}

#[test]
fn any_three_of_nine_picks_the_earliest_then_by_code_whatever_the_order_given() {
    let mut entries = basic(Date(2026, 3, 2));
    entries.push(passed("IU15", Date(2026, 4, 1), "TT-A"));
    entries.push(passed("IU09", Date(2026, 4, 3), "TT-A"));
    entries.push(passed("IU12", Date(2026, 4, 1), "TT-A"));
    entries.push(passed("IU07", Date(2026, 4, 2), "TT-A"));
    entries.push(passed("IU07", Date(2026, 3, 20), "TT-B"));
    let forward = standing(catalog(), &entries, &[]);
    entries.reverse();
    let backward = standing(catalog(), &entries, &[]);
    assert_eq!(forward, backward);
    let nc = &forward.certificates[1];
    let advanced: Vec<&Entry> = nc.entries.iter().skip(6).collect();
    let picked: Vec<(&str, &str)> = advanced
        .iter()
        .map(|e| (e.module.as_str(), e.centre.as_str()))
        .collect();
    assert_eq!(
        picked,
        [("IU07", "TT-B"), ("IU12", "TT-A"), ("IU15", "TT-A")]
    );
    assert_eq!(nc.satisfied_on, Date(2026, 4, 1));
    assert_eq!(forward.credits, 6 + 4 * 2, "IU07 passed twice counts once");
}

fn earlier(id: &str, equivalence: &str, date: Date) -> Earlier {
    Earlier {
        id: id.into(),
        equivalence: equivalence.into(),
        date,
        issuer: "Trung tâm Tin học cũ".into(),
    }
}

#[test]
fn an_abc_certificate_counts_as_the_basic_certificate_and_leads_to_the_advanced() {
    let abc = [earlier("e1", "CNTT-ABC", Date(2012, 5, 20))];
    let alone = standing(catalog(), &[], &abc);
    assert_eq!(codes(&alone), ["TT03-CB"]);
    assert_eq!(alone.certificates[0].earlier, ["e1"]);
    assert_eq!(alone.certificates[0].satisfied_on, Date(2012, 5, 20));
    assert_eq!(
        alone.credits, 0,
        "a whole certificate earns no module credits"
    );
    let entries = [
        passed("IU07", Date(2026, 4, 1), "TT-A"),
        passed("IU08", Date(2026, 4, 2), "TT-A"),
        passed("IU09", Date(2026, 4, 3), "TT-A"),
    ];
    let with_three = standing(catalog(), &entries, &abc);
    assert_eq!(codes(&with_three), ["TT03-CB", "TT03-NC"]);
    assert_eq!(with_three.certificates[1].earlier, ["e1"]);
    assert_eq!(with_three.certificates[1].satisfied_on, Date(2026, 4, 3));
    let both = standing(catalog(), &basic(Date(2026, 3, 2)), &abc);
    assert_eq!(both.certificates[0].earlier, ["e1"], "met in 2012 first");
    assert_eq!(both.credits, 6);
    let late = [earlier("e2", "CNTT-ABC", Date(2016, 8, 10))];
    assert!(
        standing(catalog(), &[], &late).certificates.is_empty(),
        "issued too late"
    );
}

#[test]
fn the_icdl_style_profile_lists_the_passed_modules_from_the_first() {
    let entries = [
        passed("ICDL-SS", Date(2026, 5, 2), "TT-A"),
        passed("ICDL-CE", Date(2026, 4, 11), "TT-B"),
    ];
    let module_certificate = [earlier("e3", "ICDL-ITS-GOC", Date(2025, 12, 1))];
    let standing = standing(catalog(), &entries, &module_certificate);
    assert_eq!(codes(&standing), ["ICDL-HS"]);
    let profile = &standing.certificates[0];
    assert_eq!(modules(profile), ["ICDL-CE", "ICDL-SS", "ICDL-ITS"]);
    assert_eq!(profile.entries[2].source, Source::Earlier("e3".into()));
    assert_eq!(
        profile.satisfied_on,
        Date(2025, 12, 1),
        "from its first module"
    );
    assert_eq!(standing.credits, 3);
    let one = super::standing(catalog(), &entries[..1], &[]);
    assert_eq!(modules(&one.certificates[0]), ["ICDL-SS"]);
}

#[test]
fn a_rule_with_a_validity_expires_that_many_years_on() {
    let text = include_str!("../../question_banks/catalog.toml").replace(
        "code = \"TT03-CB\"\n",
        "code = \"TT03-CB\"\nvalid_years = 2\n",
    );
    let catalog: Catalog = toml::from_str(&text).unwrap();
    let entries = basic(Date(2026, 3, 2));
    let cb = &super::standing(&catalog, &entries, &[]).certificates[0];
    assert_eq!(cb.satisfied_on, Date(2026, 3, 7));
    assert_eq!(cb.expires_on, Some(Date(2028, 3, 7)));
    let leap = basic(Date(2028, 2, 24));
    let cb = &super::standing(&catalog, &leap, &[]).certificates[0];
    assert_eq!(cb.satisfied_on, Date(2028, 2, 29));
    assert_eq!(cb.expires_on, Some(Date(2030, 2, 28)));
}

fn held(id: &str, certificate: &str, modules: &[&str]) -> Held {
    Held {
        id: id.into(),
        certificate: certificate.into(),
        modules: modules.iter().map(|m| m.to_string()).collect(),
    }
}

#[test]
fn reconcile_issues_what_is_met_here_and_revokes_what_no_longer_is() {
    let entries = basic(Date(2026, 3, 2));
    let met = super::standing(catalog(), &entries, &[]);
    let plan = reconcile(catalog(), &met, &[]);
    assert_eq!(plan.issue.len(), 1);
    assert_eq!(plan.issue[0].certificate, "TT03-CB");
    let six = ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"];
    let holding = [held("c1", "TT03-CB", &six)];
    assert!(reconcile(catalog(), &met, &holding).is_empty());
    let five = super::standing(catalog(), &entries[1..], &[]);
    let plan = reconcile(catalog(), &five, &holding);
    assert_eq!(plan.revoke, ["c1"]);
    assert!(plan.issue.is_empty() && plan.replace.is_empty());
}

#[test]
fn reconcile_never_issues_what_earlier_certificates_alone_meet() {
    let abc = Earlier {
        id: "e1".into(),
        equivalence: "CNTT-ABC".into(),
        date: Date(2014, 5, 1),
        issuer: "ĐH Sư phạm".into(),
    };
    let alone = super::standing(catalog(), &[], std::slice::from_ref(&abc));
    assert_eq!(codes(&alone), ["TT03-CB"]);
    assert!(reconcile(catalog(), &alone, &[]).is_empty());
    let advanced: Vec<Entry> = ["IU07", "IU08", "IU10"]
        .iter()
        .map(|m| passed(m, Date(2026, 4, 1), "TT-B"))
        .collect();
    let with = super::standing(catalog(), &advanced, &[abc]);
    let plan = reconcile(catalog(), &with, &[]);
    let issued: Vec<&str> = plan.issue.iter().map(|s| s.certificate.as_str()).collect();
    assert_eq!(
        issued,
        ["TT03-NC"],
        "the advanced one rests on modules examined here"
    );
}

#[test]
fn reconcile_replaces_a_profile_whose_modules_changed() {
    let first = [passed("ICDL-SS", Date(2026, 1, 5), "TT-A")];
    let holding = [held("p1", "ICDL-HS", &["ICDL-SS"])];
    let same = super::standing(catalog(), &first, &[]);
    assert!(reconcile(catalog(), &same, &holding).is_empty());
    let more = [
        first[0].clone(),
        passed("ICDL-CE", Date(2026, 2, 5), "TT-A"),
    ];
    let plan = reconcile(catalog(), &super::standing(catalog(), &more, &[]), &holding);
    assert_eq!(plan.replace.len(), 1);
    assert_eq!(plan.replace[0].0, "p1");
    assert_eq!(modules(&plan.replace[0].1), ["ICDL-CE", "ICDL-SS"]);
    assert!(plan.issue.is_empty());
}

#[test]
fn numbers_are_unguessable_and_read_back_however_typed() {
    let a = certificate_number();
    assert_eq!(a.len(), 14);
    assert_ne!(a, certificate_number());
    assert_eq!(
        normalize_number(&a.to_lowercase().replace('-', " ")),
        Some(a)
    );
    assert_eq!(
        normalize_number("7kq2-m9xd-4trb"),
        Some("7KQ2-M9XD-4TRB".into())
    );
    assert_eq!(
        normalize_number("OIL2 M9XD 4TRB").as_deref(),
        Some("0112-M9XD-4TRB")
    );
    assert_eq!(normalize_number("7KQ2-M9XD-4TR"), None);
    assert_eq!(
        normalize_number("7KQ2-M9XD-4TRU"),
        None,
        "U is not in the alphabet"
    );
    assert_eq!(normalize_number("../../etc"), None);
}
