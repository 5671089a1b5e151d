//! One simulated candidate over real HTTP, as a browser without JavaScript goes through the
//! exam (sign-in page, sign-in, lobby, start, each question page, review, submit, result),
//! except that answers are saved as the page's script sends them (`Accept:
//! application/json`), so each save's reply says whether it was stored. A 503 with
//! `Retry-After` is "busy": waited out and retried (saves are idempotent by `seq`), counted
//! apart from errors; any other status than the expected one is an error.

use std::{collections::HashMap, sync::Arc, time::Duration};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::{
    sync::{Barrier, Semaphore},
    time::Instant,
};

use super::{
    page::{self, Question},
    prep::Seat,
    stats::{Ack, Stats, Step},
};

/// How a candidate behaves in a phase.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Arrivals spread evenly at random over this many milliseconds.
    pub arrival_ms: u64,
    /// Sign in and start (false: the candidate is already on a question).
    pub begin: bool,
    /// Thinking before each save, uniform in this range (ms).
    pub think_ms: (u64, u64),
    /// Saves after each question page (each a new answer with the next `seq`).
    pub saves_per_page: usize,
    /// The chance that a save is sent twice (the same `seq`: a retry).
    pub retry: f64,
    /// Stop answering after this many saves, or at this moment.
    pub saves: Option<usize>,
    pub until: Option<Instant>,
    pub submit: bool,
}

/// What candidates wait for together: the start, the submission; and how many may be signing
/// in and starting at once.
#[derive(Clone, Default)]
pub struct Gates {
    pub start: Option<Arc<Barrier>>,
    pub submit: Option<Arc<Barrier>>,
    pub setup: Option<Arc<Semaphore>>,
}

pub struct Candidate {
    pub index: usize,
    pub seat: Seat,
    base: String,
    client: reqwest::Client,
    rng: ChaCha8Rng,
    /// The next `seq` per question.
    next_seq: HashMap<usize, i64>,
    /// The question to answer next and the paper's number of questions.
    question: usize,
    total: usize,
}

/// A reply as the browser sees it: status, `Location`, body.
struct Reply {
    status: u16,
    location: String,
    body: String,
}

impl Candidate {
    pub fn new(index: usize, seat: Seat, base: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            // Below the server's keep-alive, so a request never races the server's close.
            .pool_idle_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(120))
            .build()
            .expect("an HTTP client");
        Candidate {
            index,
            seat,
            base: base.to_string(),
            client,
            rng: ChaCha8Rng::seed_from_u64(index as u64),
            next_seq: HashMap::new(),
            question: 1,
            total: 1,
        }
    }

    /// Sends a request (again after each "busy" answer) and returns its reply; None after an
    /// error (recorded).
    async fn call(
        &self,
        stats: &Stats,
        step: Step,
        request: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Option<Reply> {
        let began = Instant::now();
        loop {
            let res = match request(&self.client).send().await {
                Ok(res) => res,
                Err(e) => {
                    stats.error(step, format!("transport ({})", kind_of(&e)));
                    return None;
                }
            };
            let status = res.status().as_u16();
            let header = |name: &str| {
                res.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let (location, retry_after) = (header("location"), header("retry-after"));
            let body = res.text().await.unwrap_or_default();
            if let (503, Some(wait)) = (status, retry_after)
                && began.elapsed() < Duration::from_secs(300)
            {
                stats.retry(step);
                let secs = wait.trim().parse::<f64>().unwrap_or(1.0).clamp(0.0, 30.0);
                tokio::time::sleep(Duration::from_secs_f64(secs)).await;
                continue;
            }
            if status >= 400 {
                let key = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["key"].as_str().map(str::to_string))
                    .unwrap_or_default();
                stats.error(step, format!("HTTP {status} {key}").trim().to_string());
                return None;
            }
            stats.record(step, began.elapsed());
            return Some(Reply {
                status,
                location: location.unwrap_or_default(),
                body,
            });
        }
    }

    /// As `call`, but a reply other than `status` (and a `Location` starting with `to`) is
    /// an error.
    async fn expect(
        &self,
        stats: &Stats,
        step: Step,
        (status, to): (u16, &str),
        request: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Option<Reply> {
        let reply = self.call(stats, step, request).await?;
        if reply.status != status || !reply.location.starts_with(to) {
            stats.error(
                step,
                format!("HTTP {} to {:?}", reply.status, reply.location),
            );
            return None;
        }
        Some(reply)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The status `path` answers with now (None while nothing answers), recording nothing.
    pub async fn probe(&self, path: &str) -> Option<u16> {
        let res = self.client.get(self.url(path)).send().await.ok()?;
        Some(res.status().as_u16())
    }

    /// The question this candidate is on.
    pub fn current(&self) -> usize {
        self.question
    }

    /// `GET /healthz` in a closed loop until `until`.
    pub async fn healthz_until(&self, stats: &Stats, until: Instant) {
        let url = self.url("/healthz");
        while Instant::now() < until {
            if self
                .call(stats, Step::Healthz, |c| c.get(&url))
                .await
                .is_none()
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }

    /// Signs in with the slip and lands in the lobby, which offers the start; its CSRF token.
    pub async fn sign_in(&self, stats: &Stats) -> Option<String> {
        let entry = self
            .expect(stats, Step::Entry, (200, ""), |c| c.get(self.url("/thi")))
            .await?;
        let csrf = page::csrf(&entry.body)?;
        let form = [
            ("number", self.seat.number.as_str()),
            ("code", self.seat.code.as_str()),
            ("birth_date", self.seat.birth_date.as_str()),
            ("csrf", csrf.as_str()),
        ];
        let to = (303, "/thi/lobby");
        self.expect(stats, Step::SignIn, to, |c| {
            c.post(self.url("/thi")).form(&form)
        })
        .await?;
        let lobby = self
            .expect(stats, Step::Lobby, (200, ""), |c| {
                c.get(self.url("/thi/lobby"))
            })
            .await?;
        if !lobby.body.contains("action=\"/thi/start\"") {
            stats.error(Step::Lobby, "no start offered".into());
            return None;
        }
        page::csrf(&lobby.body)
    }

    /// Presses "Bắt đầu làm bài": the first question must follow.
    pub async fn start(&self, stats: &Stats, csrf: &str) -> Option<()> {
        let form = [("csrf", csrf)];
        let to = (303, "/thi/q/1");
        self.expect(stats, Step::Start, to, |c| {
            c.post(self.url("/thi/start")).form(&form)
        })
        .await
        .map(drop)
    }

    /// Loads question `n`.
    pub async fn question_page(&mut self, stats: &Stats, n: usize) -> Option<Question> {
        let url = self.url(&format!("/thi/q/{n}"));
        let reply = self
            .expect(stats, Step::Page, (200, ""), |c| c.get(&url))
            .await?;
        let Some(q) = page::question(&reply.body, n) else {
            stats.error(Step::Page, "not a question page".into());
            return None;
        };
        self.total = self.total.max(q.total);
        let next = self.next_seq.entry(n).or_insert(q.seq);
        *next = (*next).max(q.seq);
        Some(q)
    }

    /// Saves `fields` as the answer to question `n` under `seq`; true when acknowledged.
    async fn save(
        &self,
        stats: &Stats,
        n: usize,
        seq: i64,
        csrf: &str,
        fields: &[(String, String)],
    ) -> bool {
        let mut form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let seq_text = seq.to_string();
        form.extend([("seq", seq_text.as_str()), ("csrf", csrf)]);
        let url = self.url(&format!("/thi/q/{n}"));
        let Some(reply) = self
            .expect(stats, Step::Save, (200, ""), |c| {
                c.post(&url)
                    .header("accept", "application/json")
                    .header("x-requested-with", "XMLHttpRequest")
                    .form(&form)
            })
            .await
        else {
            return false;
        };
        let acked = serde_json::from_str::<serde_json::Value>(&reply.body)
            .ok()
            .and_then(|v| v["seq"].as_i64());
        if acked != Some(seq) {
            stats.error(Step::Save, format!("reply without seq {seq}"));
            return false;
        }
        stats.ack(Ack {
            candidate: self.index,
            question: n,
            seq,
            fields: fields.to_vec(),
        });
        true
    }

    async fn think(&mut self, flow: &Flow) {
        let (low, high) = flow.think_ms;
        if high > 0 {
            let ms = self.rng.random_range(low..=high.max(low));
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }

    /// Answers questions in turn (each page, then its saves) until the flow says stop: after
    /// `saves` saves sent, at `until`, or after three question pages in a row fail.
    pub async fn answer(&mut self, stats: &Stats, flow: &Flow) {
        let (mut sent, mut failures) = (0, 0);
        let done = |sent: usize| {
            flow.saves.is_some_and(|s| sent >= s) || flow.until.is_some_and(|u| Instant::now() >= u)
        };
        while !done(sent) {
            let n = self.question;
            let Some(q) = self.question_page(stats, n).await else {
                failures += 1;
                if failures >= 3 {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            };
            failures = 0;
            for _ in 0..flow.saves_per_page.max(1) {
                self.think(flow).await;
                if done(sent) {
                    break;
                }
                let fields = page::pick(&q.controls, &mut self.rng);
                let seq = self.next_seq[&n];
                self.next_seq.insert(n, seq + 1);
                sent += 1;
                if self.save(stats, n, seq, &q.csrf, &fields).await
                    && self.rng.random_bool(flow.retry)
                {
                    self.save(stats, n, seq, &q.csrf, &fields).await;
                }
            }
            self.question = n % self.total + 1;
        }
    }

    /// Review, submit (confirmed), and the result on the receipt.
    pub async fn submit(&self, stats: &Stats) -> Option<()> {
        let review = self
            .expect(stats, Step::Review, (200, ""), |c| {
                c.get(self.url("/thi/review"))
            })
            .await?;
        let csrf = page::csrf(&review.body)?;
        let form = [("confirm", "1"), ("csrf", csrf.as_str())];
        let to = (303, "/thi/receipt");
        self.expect(stats, Step::Submit, to, |c| {
            c.post(self.url("/thi/submit")).form(&form)
        })
        .await?;
        self.expect(stats, Step::Result, (200, ""), |c| {
            c.get(self.url("/thi/receipt"))
        })
        .await
        .map(drop)
    }

    /// The whole flow: arrive, sign in and start (at the gate), answer, submit (at the gate).
    /// Every gate is passed even after an error, so no one else waits forever.
    pub async fn sit(&mut self, stats: &Stats, flow: &Flow, gates: &Gates) {
        let mut ok = true;
        if flow.begin {
            if flow.arrival_ms > 0 {
                let ms = self.rng.random_range(0..flow.arrival_ms);
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            let permit = match &gates.setup {
                Some(s) => Some(s.clone().acquire_owned().await.expect("open semaphore")),
                None => None,
            };
            let csrf = self.sign_in(stats).await;
            if let Some(barrier) = &gates.start {
                drop(permit);
                barrier.wait().await;
                ok = match &csrf {
                    Some(csrf) => self.start(stats, csrf).await.is_some(),
                    None => false,
                };
            } else {
                ok = match &csrf {
                    Some(csrf) => self.start(stats, csrf).await.is_some(),
                    None => false,
                };
            }
        }
        if ok {
            self.answer(stats, flow).await;
        }
        if let Some(barrier) = &gates.submit {
            barrier.wait().await;
        }
        if ok && flow.submit {
            self.submit(stats).await;
        }
    }
}

fn kind_of(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "request"
    }
}
