//! Helpers for the candidate's side: a demo candidate made ready by the proctor, a browser for
//! them, and reading the controls of a question page as a candidate would answer them.

use sathach::attempts;

use crate::helpers::{PROCTOR, TestApp, location};

/// A candidate's browser and what the test knows of their attempt.
pub struct Sitting {
    pub browser: TestApp,
    pub session: String,
    pub attempt: String,
    pub number: String,
    pub code: String,
}

/// The proctor checks a candidate in, authorises them and opens the session.
pub async fn admit(app: &TestApp, session: &str, attempt: &str) {
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    for step in ["check-in", "authorise"] {
        let path = format!("/sessions/{session}/attempts/{attempt}/{step}");
        proctor.post_form(&path, &[]).await;
    }
    proctor
        .post_form(&format!("/sessions/{session}/open"), &[])
        .await;
}

/// The demo session opened by the proctor, candidate `index` checked in and authorised, and a
/// fresh browser for them (not signed in yet).
pub async fn ready(app: &TestApp, index: usize) -> Sitting {
    let s = unadmitted(app, index).await;
    admit(app, &s.session, &s.attempt).await;
    s
}

/// Candidate `index` of the demo session with their slip's code and a fresh browser, before
/// the proctor lets them in.
pub async fn unadmitted(app: &TestApp, index: usize) -> Sitting {
    let (session, attempts) = app.demo_session().await;
    let attempt = attempts[index].clone();
    let secret = sathach::startup::server_secret(&app.db).await.unwrap();
    let number: String = sqlx::query_scalar("SELECT candidate_number FROM attempts WHERE id = $1")
        .bind(&attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    Sitting {
        browser: app.another_browser(),
        session,
        code: attempts::access_code(&secret, &attempt, 1),
        attempt,
        number,
    }
}

impl Sitting {
    /// The same candidate and slip in a fresh browser: another computer.
    pub fn on_another_computer(&self, app: &TestApp) -> Sitting {
        Sitting {
            browser: app.another_browser(),
            session: self.session.clone(),
            attempt: self.attempt.clone(),
            number: self.number.clone(),
            code: self.code.clone(),
        }
    }

    pub async fn sign_in(&self) -> reqwest::Response {
        let typed = self.code.to_lowercase().replace('-', " ");
        self.browser
            .post_form(
                "/thi",
                &[
                    ("number", &self.number.to_lowercase()),
                    ("code", &typed),
                    ("birth_date", ""),
                ],
            )
            .await
    }

    /// Signs in and starts; returns the first question's page.
    pub async fn started(&self) -> String {
        self.starts().await;
        self.browser.get_text("/thi/q/1").await
    }

    /// Signs in and starts, without showing a question (which keeps the paper in memory).
    pub async fn starts(&self) {
        assert_eq!(location(&self.sign_in().await), "/thi/lobby");
        let lobby = self.browser.get_text("/thi/lobby").await;
        assert!(lobby.contains("Bắt đầu làm bài"), "{lobby}");
        let res = self.browser.post_form("/thi/start", &[]).await;
        assert_eq!(location(&res), "/thi/q/1");
    }

    /// Submits from the review (confirmed) and lands on the receipt.
    pub async fn submits(&self) {
        let res = self
            .browser
            .post_form("/thi/submit", &[("confirm", "1")])
            .await;
        assert_eq!(location(&res), "/thi/receipt");
    }
}

/// Answers for every control on a question page, as a candidate would pick them: the first
/// option of each radio group, the first checkbox, the first real option of each select, and
/// "42" typed.
pub fn answers_on(page: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[start..start + tag[start..].find('"')?].to_string())
    };
    for tag in page.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let name = attr(tag, "name").unwrap_or_default();
        if ["csrf", "seq", "flag", "go", ""].contains(&name.as_str())
            || tag.contains("type=\"hidden\"")
        {
            continue;
        }
        let taken = fields.iter().any(|(n, _)| *n == name);
        if tag.starts_with("input")
            && (tag.contains("type=\"radio\"") || tag.contains("type=\"checkbox\""))
        {
            if !taken {
                fields.push((name, attr(tag, "value").unwrap()));
            }
        } else if tag.starts_with("input") {
            fields.push((name, "42".into()));
        } else if tag.starts_with("select") {
            let rest = &page[page.find(tag).unwrap()..];
            let first = rest.split("<option value=\"").nth(2).unwrap();
            fields.push((name, first[..first.find('"').unwrap()].to_string()));
        }
    }
    fields
}

/// The hidden `seq` field of a question page.
pub fn seq_on(page: &str) -> String {
    let start = page.find("name=\"seq\" value=\"").unwrap() + 18;
    page[start..start + page[start..].find('"').unwrap()].to_string()
}

/// Posts a question's form as the browser would without JavaScript.
pub async fn post_question(
    s: &Sitting,
    n: usize,
    fields: &[(String, String)],
    go: &str,
) -> reqwest::Response {
    let mut all: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    all.push(("go", go));
    s.browser.post_form(&format!("/thi/q/{n}"), &all).await
}

/// The first question whose controls carry option tokens: (number, page).
pub async fn first_with_options(s: &Sitting) -> (usize, String) {
    for n in 1..=60 {
        let page = s.browser.get_text(&format!("/thi/q/{n}")).await;
        if answers_on(&page).iter().any(|(_, v)| v.len() == 12) {
            return (n, page);
        }
    }
    panic!("no question with options on the paper");
}

/// Saves question `n` as the page's script does (JSON), with these fields and `seq`.
pub async fn save_json(
    s: &Sitting,
    n: usize,
    fields: &[(String, String)],
    seq: i64,
    csrf: &str,
) -> reqwest::Response {
    let mut all: Vec<(String, String)> = fields.to_vec();
    all.push(("seq".into(), seq.to_string()));
    post_json(s, n, &all, csrf).await
}

/// Posts exactly these fields (and the CSRF token) to question `n` as the page's script does.
pub async fn post_json(
    s: &Sitting,
    n: usize,
    fields: &[(String, String)],
    csrf: &str,
) -> reqwest::Response {
    let mut all: Vec<(String, String)> = fields.to_vec();
    all.push(("csrf".into(), csrf.to_string()));
    s.browser
        .client
        .post(s.browser.url(&format!("/thi/q/{n}")))
        .header("accept", "application/json")
        .form(&all)
        .send()
        .await
        .expect("a save is answered")
}

/// A started candidate and the answers they can give to questions 1–3.
pub struct Answering {
    pub s: Sitting,
    pub csrf: String,
    pub pages: Vec<Vec<(String, String)>>,
}

pub async fn answering(app: &TestApp, index: usize) -> Answering {
    let s = ready(app, index).await;
    s.started().await;
    let csrf = s.browser.csrf().await;
    let mut pages = Vec::new();
    for n in 1..=3 {
        pages.push(answers_on(
            &s.browser.get_text(&format!("/thi/q/{n}")).await,
        ));
    }
    Answering { s, csrf, pages }
}
