//! Tests of the catalog check: the shipped catalog passes, and a broken one gets every
//! problem at its line.

use super::read_catalog;
use crate::{banks::catalog::SHIPPED, vocab::Lang};

#[test]
fn the_shipped_catalog_passes_the_check() {
    let (catalog, report) = read_catalog(SHIPPED.0, SHIPPED.1);
    assert_eq!(report.lines(Lang::En), Vec::<String>::new());
    let catalog = catalog.expect("the shipped catalog reads");
    assert!(catalog.modules.iter().all(|m| m.credits >= 1));
    let names: Vec<&str> = catalog
        .certificates
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(names, ["TT03-CB", "TT03-NC", "ICDL-HS"]);
    for c in &catalog.certificates {
        assert!(
            !c.name_vi.contains("Chứng chỉ ICDL") && !c.name_en.contains("ICDL certificate"),
            "{} must not be called an ICDL certificate",
            c.code
        );
    }
    let abc = catalog.equivalence("CNTT-ABC").unwrap();
    assert_eq!(abc.certificate.as_deref(), Some("TT03-CB"));
    assert_eq!(abc.issued_before, Some(crate::vocab::Date(2016, 8, 10)));
}

const BROKEN: &str = r#"[catalog]
version = 1

[[schemes]]
code = "TT03"
name_vi = "Thông tư 03"
name_en = "Circular 03"

[[modules]]
code = "IU01"
scheme = "TT03"
level = "basic"
name_vi = "Một"
name_en = "One"
credits = 1
topics = [{ code = "IU02.1", name_vi = "a", name_en = "a" }]

[[modules]]
code = "IU01"
scheme = "TT99"
level = "basic"
name_vi = "Hai"
name_en = "Two"
credits = 0

[[modules]]
code = "IU07"
scheme = "TT03"
level = "advanced"
name_vi = "Bảy"
name_en = "Seven"
colour = "red"

[[certificates]]
code = "TT03-CB"
scheme = "TT03"
name_vi = "Cơ bản"
name_en = "Basic"
all = ["IU01", "IU01"]
certificates = ["TT03-NC"]
valid_years = 0

[[certificates]]
code = "TT03-NC"
scheme = "TT03"
name_vi = "Nâng cao"
name_en = "Advanced"
certificates = ["TT03-CB"]
any = { count = 3, of = ["IU07", "IU16"] }

[[certificates]]
code = "X"
scheme = "TT03"
name_vi = "X"
name_en = "X"
any = { count = 0, of = ["IU07"] }

[[certificates]]
code = "Y"
scheme = "TT03"
name_vi = "Y"
name_en = "Y"

[[equivalences]]
code = "ABC"
name_vi = "ABC"
name_en = "ABC"
certificate = "TT03-XX"
modules = ["IU01"]
issued_before = "2016"
"#;

#[test]
fn a_broken_catalog_gets_every_problem_at_its_line() {
    let (catalog, report) = read_catalog("catalog.toml", BROKEN);
    assert!(catalog.is_none());
    let lines = report.lines(Lang::En);
    let expected = [
        "catalog.toml:16: error: topic IU02.1 must have a code starting with \"IU01.\"",
        "catalog.toml:19: error: module IU01: duplicate code, line 10 already uses it; give each entry its own code",
        "catalog.toml:20: error: module IU01: scheme TT99 is not in the catalog",
        "catalog.toml:24: error: `credits` of module IU01 is 0: it must be a whole number of at least 1",
        "catalog.toml:26: error: module IU07 has no `credits`; add credits = 1 (a whole number of at least 1)",
        "catalog.toml:32: error: unknown key `colour` in module IU07",
        "catalog.toml:39: error: certificate TT03-CB: IU01 is listed twice",
        "catalog.toml:40: error: certificate TT03-CB requires itself (TT03-CB → TT03-NC → TT03-CB), so it can never be met",
        "catalog.toml:41: error: `valid_years` of certificate TT03-CB is 0: it must be a whole number of at least 1",
        "catalog.toml:48: error: certificate TT03-NC requires itself (TT03-NC → TT03-CB → TT03-NC), so it can never be met",
        "catalog.toml:49: error: certificate TT03-NC: any asks for 3 of 2 listed modules; the count must be from 1 to 2",
        "catalog.toml:49: error: certificate TT03-NC: module IU16 is not in the catalog",
        "catalog.toml:56: error: certificate X: any asks for 0 of 1 listed modules; the count must be from 1 to 1",
        "catalog.toml:58: error: certificate Y has no rule: add all, any, certificates or profile",
        "catalog.toml:64: error: equivalence ABC must say what it counts as: modules = [ … ] or certificate = \"…\" (one of the two)",
        "catalog.toml:68: error: equivalence ABC: certificate TT03-XX is not in the catalog",
        "catalog.toml:70: error: `issued_before` of equivalence ABC must be a date, such as 2016-08-10",
    ];
    for line in expected {
        assert!(
            lines.iter().any(|l| l.starts_with(line)),
            "missing {line}\nin {lines:#?}"
        );
    }
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
}

#[test]
fn messages_read_in_vietnamese_first() {
    let (_, report) = read_catalog("catalog.toml", BROKEN);
    let lines = report.lines(Lang::Vi);
    assert!(
        lines.contains(
            &"catalog.toml:49: lỗi: chứng chỉ TT03-NC: mô đun IU16 không có trong danh mục"
                .to_string()
        ),
        "{lines:#?}"
    );
}

#[test]
fn a_certificate_requiring_itself_directly_is_a_cycle_and_bad_toml_is_one_message() {
    let text = SHIPPED.1.replace(
        "certificates = [\"TT03-CB\"]",
        "certificates = [\"TT03-NC\"]",
    );
    let (catalog, report) = read_catalog("catalog.toml", &text);
    assert!(catalog.is_none());
    let lines = report.lines(Lang::En);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].ends_with(
            "certificate TT03-NC requires itself (TT03-NC → TT03-NC), so it can never be met"
        ),
        "{lines:#?}"
    );
    let (_, report) = read_catalog("catalog.toml", "[[modules]\ncode = 1");
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].key, "report.invalid_toml");
}
