//! The blueprint builder without JavaScript, as a browser with scripts off posts it: every
//! button sends the whole form back. A blueprint over two banks with three sections and a
//! practical part is built row by row and stored as TOML; one submit shows every problem at
//! its field (the shortage, not the difficulty target); the stored blueprint opens in the
//! builder filled in and saves as a new version.

use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::{MANAGER, TestApp, location, shipped_items, spawn_app_with_demo};

/// The fields of `form#builder` as a browser would send them: text and hidden inputs,
/// ticked checkboxes and radios, the selected option of each list.
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    pub(crate) fn of(html: &str) -> Self {
        let page = Html::parse_document(html);
        let all = Selector::parse("form#builder input, form#builder select").unwrap();
        let selected = Selector::parse("option[selected]").unwrap();
        let first = Selector::parse("option").unwrap();
        let mut fields = Vec::new();
        for el in page.select(&all) {
            let v = el.value();
            let Some(name) = v.attr("name") else { continue };
            let value = if v.name() == "select" {
                let option = el.select(&selected).next().or(el.select(&first).next());
                option.and_then(|o| o.value().attr("value")).unwrap_or("")
            } else {
                let ticked = v.attr("checked").is_some();
                match v.attr("type") {
                    Some("checkbox" | "radio") if !ticked => continue,
                    _ => v.attr("value").unwrap_or(""),
                }
            };
            fields.push((name.to_string(), value.to_string()));
        }
        assert!(
            !fields.is_empty(),
            "the page has the builder's form: {html}"
        );
        Self(fields)
    }

    /// Types into a text field (which must be on the page).
    pub(crate) fn set(&mut self, name: &str, value: &str) -> &mut Self {
        let field = self.0.iter_mut().find(|(n, _)| n == name);
        field.unwrap_or_else(|| panic!("no field {name}")).1 = value.into();
        self
    }

    /// Ticks a checkbox or picks a radio button; `only` unticks the others of the name first.
    pub(crate) fn tick(&mut self, name: &str, value: &str, only: bool) -> &mut Self {
        if only {
            self.0.retain(|(n, _)| n != name);
        }
        self.0.push((name.into(), value.into()));
        self
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(n, v)| n == name && v == value)
    }

    /// Presses a button: the page's status and HTML, or the redirect.
    pub(crate) async fn press(
        &self,
        app: &TestApp,
        path: &str,
        action: &str,
    ) -> (StatusCode, String) {
        let mut all: Vec<(&str, &str)> = self
            .0
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        all.push(("action", action));
        let res = app.post_raw(path, &all).await;
        let status = res.status();
        if status == StatusCode::SEE_OTHER {
            return (status, location(&res));
        }
        (status, res.text().await.unwrap())
    }
}

/// Presses a button that must give the form back (200), and reads its fields.
async fn press(app: &TestApp, path: &str, fields: &Fields, action: &str) -> (String, Fields) {
    let (status, html) = fields.press(app, path, action).await;
    assert_eq!(status, StatusCode::OK, "{action}: {html}");
    let next = Fields::of(&html);
    (html, next)
}

async fn stored(app: &TestApp, code: &str) -> Vec<(i64, String)> {
    sqlx::query_as(
        "SELECT v.number, v.source FROM blueprint_versions v JOIN blueprints b ON b.id = v.blueprint_id WHERE b.code = $1 ORDER BY v.number",
    )
    .bind(code)
    .fetch_all(&app.db.read)
    .await
    .unwrap()
}

/// Builds TIN-HOC-THU through the form: IU01-MAU and IU03-MAU, three sections, a practical
/// part; gives its page's path.
pub(crate) async fn build_without_javascript(app: &TestApp) -> String {
    let html = app.get_text("/blueprints/new").await;
    assert!(
        html.contains("IU03-MAU") && !html.contains("<textarea"),
        "{html}"
    );
    let mut f = Fields::of(&html);
    f.set("code", "tin-hoc-thu")
        .set("title", "Thi thử tin học cơ bản")
        .tick("banks", "IU01-MAU", false)
        .tick("banks", "IU03-MAU", false);
    let (html, mut f) = press(app, "/blueprints/new", &f, "refresh").await;
    assert!(
        f.has("modules", "IU01") && f.has("modules", "IU03"),
        "modules of the banks"
    );
    assert!(f.has("p0.s0.banks", "IU01-MAU") && f.has("p0.s0.banks", "IU03-MAU"));
    assert!(
        html.contains("IU01.1 "),
        "topics of IU01 for the first section"
    );
    f.set("p0.title", "Phần trắc nghiệm")
        .set("p0.pass", "5/10")
        .set("p0.s0.title", "Máy tính")
        .tick("p0.s0.topics", "IU01.1", true)
        .tick("p0.s0.banks", "IU01-MAU", true)
        .set("p0.s0.count", "4");
    let (html, mut f) = press(app, "/blueprints/new", &f, "add_section-0").await;
    assert!(html.contains("id=\"p0-s1-title\""), "a second section row");
    let have = shipped_items("IU01-MAU", Some("IU01.1"));
    assert!(
        html.contains(&format!("Hiện có {have} câu khớp.")),
        "IU01.1's items: {html}"
    );
    f.set("p0.s1.title", "Soạn thảo")
        .set("p0.s1.module", "IU03");
    let (html, mut f) = press(app, "/blueprints/new", &f, "add_section-0").await;
    assert!(
        html.contains("IU03.2 "),
        "IU03's topics once the module is chosen"
    );
    f.tick("p0.s1.topics", "IU03.2", true)
        .tick("p0.s1.banks", "IU03-MAU", true)
        .set("p0.s1.count", "3")
        .set("p0.s2.title", "Nhận biết văn bản")
        .set("p0.s2.module", "IU03")
        .tick("p0.s2.banks", "IU03-MAU", true)
        .tick("p0.s2.difficulties", "NB", true)
        .set("p0.s2.count", "5")
        .set("p0.s2.points", "2");
    let (_, mut f) = press(app, "/blueprints/new", &f, "add_part").await;
    f.set("p1.code", "thuc-hanh")
        .set("p1.title", "Phần thực hành")
        .tick("p1.external", "1", true);
    let (html, mut f) = press(app, "/blueprints/new", &f, "refresh").await;
    assert!(html.contains("id=\"p1-max_points\"") && !html.contains("id=\"p1-s0-title\""));
    f.set("p1.max_points", "10")
        .set("p1.pass", "5/10")
        .set("duration_minutes", "40")
        .set("attempts_allowed", "2")
        .set("retake_wait_days", "7")
        .tick("review", "score_by_topic", true);
    let (status, page) = f.press(app, "/blueprints/new", "save").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert!(page.ends_with("?saved=1"), "{page}");
    page.split('?').next().unwrap().to_string()
}

#[tokio::test]
async fn a_blueprint_is_built_through_the_form_without_javascript_and_stored_as_toml() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let page = build_without_javascript(&app).await;
    let versions = stored(&app, "TIN-HOC-THU").await;
    assert_eq!(versions.len(), 1);
    let (number, source) = &versions[0];
    assert_eq!(*number, 1);
    let (bp, report) = sathach::blueprints::read::read_blueprint("stored", source);
    let bp = bp.unwrap_or_else(|| panic!("{:?}\n{source}", report.lines(sathach::vocab::Lang::En)));
    assert_eq!(bp.title, "Thi thử tin học cơ bản");
    assert_eq!(bp.modules, ["IU01", "IU03"]);
    assert_eq!(
        (
            bp.duration_minutes,
            bp.attempts_allowed,
            bp.retake_wait_days
        ),
        (40, 2, 7)
    );
    assert_eq!(bp.parts.len(), 2);
    let sections: Vec<_> = bp.parts[0]
        .sections
        .iter()
        .map(|s| {
            (
                s.title.as_str(),
                s.module.as_str(),
                s.banks.join(","),
                s.count,
                s.points,
            )
        })
        .collect();
    assert_eq!(
        sections,
        [
            ("Máy tính", "IU01", "IU01-MAU".to_string(), 4, None),
            ("Soạn thảo", "IU03", "IU03-MAU".to_string(), 3, None),
            (
                "Nhận biết văn bản",
                "IU03",
                "IU03-MAU".to_string(),
                5,
                Some(2)
            ),
        ]
    );
    assert_eq!(bp.parts[0].sections[0].filter.topics, ["IU01.1"]);
    assert_eq!(bp.parts[1].external_max_points, Some(10));
    assert!(source.contains("review = \"score_by_topic\""), "{source}");
    let detail = app.get_text(&format!("{page}?saved=1")).await;
    assert!(detail.contains("Đã lưu phiên bản 1") && detail.contains("/builder\""));
}

#[tokio::test]
async fn one_submit_shows_every_problem_at_its_field_and_the_shortage_first() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let page = build_without_javascript(&app).await;
    let path = format!("{page}/builder");
    let mut f = Fields::of(&app.get_text(&path).await);
    let have = shipped_items("IU01-MAU", Some("IU01.1"));
    let shortage = format!("Cần 300 câu nhưng chỉ có {have} câu khớp");
    f.set("p0.s0.count", "300")
        .set("pass", "150%")
        .set("target_difficulty", "0,95")
        .set("difficulty_tolerance", "0,01");
    let (status, html) = f.press(&app, &path, "save").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let doc = Html::parse_document(&html);
    let links: Vec<(String, String)> = doc
        .select(&Selector::parse(".error-summary a").unwrap())
        .map(|a| {
            (
                a.value().attr("href").unwrap().to_string(),
                a.text().collect(),
            )
        })
        .collect();
    assert_eq!(links.len(), 2, "{links:?}");
    assert_eq!(links[0].0, "#pass");
    assert!(
        links[0].1.contains("“150%” không phải điểm đạt hợp lệ"),
        "{links:?}"
    );
    assert_eq!(links[1].0, "#p0-s0-count");
    assert!(
        links[1].1.contains(&format!(
            "Phần thi 1, nhóm câu hỏi 1 – Số câu rút: {shortage}"
        )),
        "{links:?}"
    );
    let beside = Selector::parse(".has-error .field-error").unwrap();
    let at_fields: Vec<String> = doc.select(&beside).map(|e| e.text().collect()).collect();
    assert!(
        at_fields.iter().any(|t| t.contains(&shortage)),
        "{at_fields:?}"
    );
    assert!(
        doc.select(&Selector::parse("#p0-s0-count").unwrap())
            .next()
            .is_some()
    );
    assert!(
        !html.contains("Không thể đạt độ khó"),
        "no difficulty message behind a shortage"
    );
    assert!(
        !html.contains(".toml") && !html.contains("`"),
        "no file, no keys"
    );
    let kept = Fields::of(&html);
    assert!(
        kept.has("p0.s0.count", "300") && kept.has("pass", "150%"),
        "the form as typed"
    );
    assert_eq!(stored(&app, "TIN-HOC-THU").await.len(), 1, "nothing stored");
}

#[tokio::test]
async fn the_stored_blueprint_opens_in_the_builder_and_saves_a_new_version() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let page = build_without_javascript(&app).await;
    let path = format!("{page}/builder");
    let html = app.get_text(&path).await;
    let mut f = Fields::of(&html);
    assert!(f.has("p0.s1.title", "Soạn thảo") && f.has("p0.s2.difficulties", "NB"));
    assert!(f.has("p1.external", "1") && f.has("p1.max_points", "10"));
    assert!(f.has("review", "score_by_topic") && f.has("p0.pass", "5/10"));
    let (status, again) = f.press(&app, &path, "save").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        again.ends_with("?saved=0"),
        "the same blueprint is no new version: {again}"
    );
    f.set("p0.s0.count", "6").set("duration_minutes", "45");
    let (html, f) = press(&app, &path, &f, "remove_section-0-2").await;
    assert!(!html.contains("id=\"p0-s2-title\""));
    let (status, saved) = f.press(&app, &path, "save").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(saved.ends_with("?saved=2"), "{saved}");
    let versions = stored(&app, "TIN-HOC-THU").await;
    assert_eq!(versions.len(), 2);
    assert!(versions[0].1.contains("count = 4") && versions[0].1.contains("Nhận biết văn bản"));
    let (bp, _) = sathach::blueprints::read::read_blueprint("v2", &versions[1].1);
    let bp = bp.unwrap();
    assert_eq!((bp.duration_minutes, bp.item_count()), (45, 9));
    assert_eq!(bp.parts[0].sections.len(), 2);

    // Another centre's manager cannot open it in the builder.
    let other = app
        .browser_for_new_account(
            "TT-HONGHA",
            sathach::accounts::model::Role::CentreManager,
            "ql4@hongha.vn",
        )
        .await;
    assert_eq!(other.get(&path).await.status(), StatusCode::NOT_FOUND);
}
