//! The two-language text test (issue 24): after a sitting that wrote every kind of log line,
//! every page the admin, the manager, the proctor and a candidate reach by links is read in
//! Vietnamese and in English, with the session log as CSV and the add-a-candidate errors (every
//! catalog message: `words_catalog.rs`). It fails on a leftover placeholder, markup in text, or an English word in a
//! Vietnamese page outside the allowed terms (`words_check.rs` says how each is found).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::{
    candidates::ready,
    helpers::{
        ADMIN, MANAGER, PROCTOR, TestApp, location, spawn_app_with_demo, spawn_app_with_history,
    },
    results_fixture::{close, proctor_acts, scored_session, sit},
    words_check::{Data, page_problems, problems_in},
};

/// Pages read per role and language at most, and pages of one shape (the same path with other
/// ids): enough to reach every kind of page without reading every session twice.
const PAGE_LIMIT: usize = 400;
const PER_SHAPE: usize = 2;

/// What was found, page by page.
type Findings = BTreeMap<String, Vec<String>>;

/// A path with its ids taken out, so that one session's pages stand for all.
fn shape(path: &str) -> String {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let segments: Vec<&str> = path
        .split('/')
        .map(|s| {
            if s.chars().any(|c| c.is_ascii_digit()) || s.len() > 20 {
                ":"
            } else {
                s
            }
        })
        .collect();
    let keys: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .collect();
    format!("{}?{}", segments.join("/"), keys.join("&"))
}

/// Links to follow: this server's pages, not its scripts, the sign-out or the language switch.
fn links(html: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let a = Selector::parse("a[href]").unwrap();
    document
        .select(&a)
        .filter_map(|e| e.value().attr("href"))
        .map(|href| href.split('#').next().unwrap_or_default().to_string())
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .filter(|href| !href.starts_with("/static/") && !href.starts_with("/lang"))
        .collect()
}

/// Reads every page reachable from `start` by links in `browser`'s language.
async fn crawl(browser: &TestApp, lang: &str, start: &[&str]) -> (Findings, usize) {
    let mut findings = Findings::new();
    let mut queue: VecDeque<String> = start.iter().map(|s| s.to_string()).collect();
    let mut seen: HashSet<String> = queue.iter().cloned().collect();
    let mut shapes: HashMap<String, usize> = HashMap::new();
    let mut read = 0;
    while let Some(path) = queue.pop_front() {
        if read >= PAGE_LIMIT {
            break;
        }
        let count = shapes.entry(shape(&path)).or_default();
        if *count >= PER_SHAPE {
            continue;
        }
        *count += 1;
        let res = browser.get(&path).await;
        let mut next = Vec::new();
        if res.status().is_redirection() {
            next.push(location(&res));
        }
        let kind = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let status = res.status();
        if kind.starts_with("text/html") {
            read += 1;
            let html = res.text().await.unwrap();
            let problems = page_problems(&html, lang, Data::shipped());
            if !problems.is_empty() {
                findings.insert(format!("{lang} {path} ({status})"), problems);
            }
            next.extend(links(&html));
        } else if kind.starts_with("text/csv") {
            read += 1;
            let text = res.text().await.unwrap();
            let problems = problems_in(&text, lang, Data::shipped());
            if !problems.is_empty() {
                findings.insert(format!("{lang} {path}"), problems);
            }
        }
        for link in next {
            if link.starts_with('/') && seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
    }
    (findings, read)
}

/// A browser in `lang`, signed in as `who` (None: a candidate's or a visitor's browser as is).
async fn browser_in(app: &TestApp, lang: &str, who: Option<(&str, &str)>) -> TestApp {
    let browser = app.another_browser();
    browser
        .post_form("/lang", &[("lang", lang), ("back", "/")])
        .await;
    if let Some(who) = who {
        browser.signed_in_as(who).await;
    }
    browser
}

/// The demo session sat through every action that writes its own kind of log line: a pass, a
/// fail, extra time, a pause of the room, an incident, a termination and a reopening, a new
/// access code, and a close that submits the one still writing.
/// The candidate's pages are read too: the question, review and lobby of the one still writing,
/// and a receipt once the session is closed.
async fn sitting_with_every_log_line(app: &TestApp, findings: &mut Findings) -> String {
    let (session, attempts) = scored_session(app, false).await;
    let passed = sit(app, 0, 9, 4).await;
    sit(app, 1, 2, 1).await;
    let writing = ready(app, 2).await;
    writing.started().await;
    for lang in ["vi", "en"] {
        let pages = ["/thi/q/1", "/thi/review", "/thi/lobby"];
        findings.extend(candidate_pages(&writing.browser, lang, &pages).await);
    }
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let act = |what: &str| format!("/sessions/{session}/attempts/{}/{what}", attempts[2]);
    let res = proctor
        .post_form(
            &act("extra-time"),
            &[
                ("reason", "environment.noise"),
                ("comment", ""),
                ("minutes", "10"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "extra time");
    for action in ["pause", "resume"] {
        let res = proctor
            .post_form(
                &format!("/sessions/{session}/room/{action}"),
                &[("reason", "environment.power_outage"), ("comment", "")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "room {action}");
    }
    proctor_acts(
        app,
        &session,
        &attempts[2],
        "terminate",
        "candidate.behaviour",
    )
    .await;
    proctor_acts(app, &session, &attempts[2], "reopen", "staff.error").await;
    let res = proctor
        .post_form(
            &format!("/sessions/{session}/incidents"),
            &[
                ("reason", "technical.network"),
                ("comment", "Mất mạng 2 phút"),
                ("attempt", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "incident");
    let res = proctor
        .post_form(
            &format!("/sessions/{session}/attempts/{}/code", attempts[3]),
            &[("reason", "candidate.other"), ("comment", "")],
        )
        .await;
    assert!(res.status().is_redirection(), "reissue: {}", res.status());
    close(app, &session).await;
    for lang in ["vi", "en"] {
        findings.extend(candidate_pages(&passed.browser, lang, &["/thi/receipt"]).await);
    }
    session
}

/// A candidate's pages in `lang` (the language switch is the candidate's own).
async fn candidate_pages(browser: &TestApp, lang: &str, pages: &[&str]) -> Findings {
    browser
        .post_form("/lang", &[("lang", lang), ("back", "/")])
        .await;
    let (found, read) = crawl(browser, lang, pages).await;
    assert!(read >= pages.len(), "{lang}: {read} of {pages:?} read");
    found
}

fn report(findings: &Findings) -> String {
    findings
        .iter()
        .map(|(page, problems)| format!("{page}:\n  {}", problems.join("\n  ")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn every_page_and_the_session_log_read_in_both_languages() {
    let app = spawn_app_with_history().await;
    let mut findings = Findings::new();
    let session = sitting_with_every_log_line(&app, &mut findings).await;
    for lang in ["vi", "en"] {
        for who in [ADMIN, MANAGER, PROCTOR] {
            let browser = browser_in(&app, lang, Some(who)).await;
            let report_page = format!("/sessions/{session}/report");
            let events = format!("/sessions/{session}/events.csv");
            let (found, read) = crawl(&browser, lang, &["/", &report_page, &events]).await;
            assert!(read > 10, "{lang} {}: only {read} pages read", who.0);
            findings.extend(found);
        }
        let visitor = browser_in(&app, lang, None).await;
        let (found, _) = crawl(&visitor, lang, &["/", "/thi", "/sign-in", "/verify"]).await;
        findings.extend(found);
    }
    assert!(findings.is_empty(), "{}", report(&findings));
}

/// The log in words, not the server's notes: "1 bài đang làm được nộp", not "1 attempts
/// submitted"; every moment with its day.
#[tokio::test]
async fn the_session_log_says_what_happened_in_the_readers_language_with_the_day() {
    let app = spawn_app_with_demo().await;
    let session = sitting_with_every_log_line(&app, &mut Findings::new()).await;
    let manager = browser_in(&app, "vi", Some(MANAGER)).await;
    let page = manager
        .get_text(&format!("/sessions/{session}/report"))
        .await;
    let title = &page[page.find("<title>").unwrap()..page.find("</title>").unwrap()];
    assert!(!title[7..].contains('<'), "{title}");
    for expected in [
        "giấy tờ tùy thân khớp với danh sách",
        "cộng 10 phút",
        "cả phòng thi",
        "1 bài đang làm được nộp",
        "thí sinh tự nộp bài",
        "mật khẩu dự thi lần 2, 0 máy bị đăng xuất",
        "mã đề ",
    ] {
        assert!(
            page.contains(expected),
            "{expected} missing from the report"
        );
    }
    let today = sathach::clock::format_local(sathach::clock::now_ms());
    let day = &today[..10];
    let csv = manager
        .get_text(&format!("/sessions/{session}/events.csv"))
        .await;
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert!(lines.len() > 10, "{csv}");
    assert!(
        lines.iter().all(|l| l.contains(day)),
        "every time has its day: {csv}"
    );
    let english = browser_in(&app, "en", Some(MANAGER)).await;
    let csv = english
        .get_text(&format!("/sessions/{session}/events.csv"))
        .await;
    assert!(csv.contains("attempts submitted: 1"), "{csv}");
}

/// The add-a-candidate form's errors say what is wrong, with nothing left unfilled: a date the
/// calendar does not have is not a format problem, and 11 digits are a digit short.
#[tokio::test]
async fn the_add_candidate_errors_name_the_real_problem_in_both_languages() {
    let app = spawn_app_with_demo().await;
    let (session, _) = app.demo_session().await;
    let path = format!("/sessions/{session}/candidates");
    let cases = [
        (
            "31/02/2003",
            "001203012345",
            "không có trong lịch",
            "not in the calendar",
        ),
        (
            "2003-13-01",
            "001203012345",
            "không có trong lịch",
            "not in the calendar",
        ),
        (
            "31-02",
            "001203012345",
            "không đúng dạng",
            "not written as a date",
        ),
        (
            "05/03/2003",
            "07920301234",
            "thiếu chữ số",
            "missing a digit",
        ),
    ];
    for lang in ["vi", "en"] {
        let manager = browser_in(&app, lang, Some(MANAGER)).await;
        for (birth, id, vi, en) in cases {
            let fields = [
                ("full_name", "Đỗ Thu Trang"),
                ("birth_date", birth),
                ("national_id", id),
                ("group", "student"),
            ];
            let res = manager.post_form(&path, &fields).await;
            assert_eq!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{birth} {id}"
            );
            let page = res.text().await.unwrap();
            let expected = if lang == "vi" { vi } else { en };
            assert!(page.contains(expected), "{lang} {birth} {id}: {expected}");
            let problems = page_problems(&page, lang, Data::none());
            assert!(problems.is_empty(), "{lang} {birth} {id}: {problems:?}");
        }
    }
    let manager = browser_in(&app, "vi", Some(MANAGER)).await;
    let csv = "Họ và tên;Ngày sinh;Số CCCD\nLê Văn C;31/02/2009;001209000003\n\
               Lê Văn D;01/01/2009;07920901234\n";
    let (status, page) = crate::sessions::upload(&manager, &session, "ds.csv", csv.into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Dòng 2 (“31/02/2009”): Ngày sinh không có trong lịch"),
        "{page}"
    );
    assert!(
        page.contains("Dòng 3 (“07920901234”): Số CCCD thiếu chữ số"),
        "{page}"
    );
}

/// A log written to a file reads as text: no colour codes (a terminal still gets them).
#[test]
fn a_log_written_to_a_file_has_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sathach.log");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_sathach"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("migrate")
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("SATHACH_DATABASE_URL")
        .env_remove("SATHACH_CONFIG")
        .env_remove("SATHACH_LOG_FORMAT")
        .env_remove("NO_COLOR")
        .env("RUST_LOG", "debug")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&path).unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    let log = std::fs::read_to_string(&path).unwrap();
    assert!(log.lines().count() > 3, "{log}");
    assert!(!log.contains('\u{1b}'), "{log}");
}
