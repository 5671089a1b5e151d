//! A room made straight in the database, as the benchmarks make theirs (`benches/support`):
//! generated candidates enrolled in the demo session, the session opened, each candidate
//! admitted and signed in on a browser of their own, for tests of many candidates at once.

use std::sync::Arc;

use sathach::{attempts::devices, db::Db};

use crate::bench_support as support;

/// One candidate at their computer: the attempt and a browser holding its sign-in (valid on
/// any port of 127.0.0.1, so across restarts of a server too).
pub struct Seat {
    pub attempt: String,
    pub client: reqwest::Client,
}

/// The demo session (loaded before) opened with `size` new candidates admitted and signed in;
/// returns the session's id and the seats.
pub async fn room(db: &Db, size: usize) -> (String, Vec<Seat>) {
    let session = support::demo_session(db).await;
    let ids = support::enrolled(db, &session, size).await;
    let proctor = support::proctor(db).await;
    let chosen: Vec<String> = ids.iter().rev().take(size).cloned().collect();
    support::admit_all(db, &chosen, &proctor).await;
    let mut seats = Vec::with_capacity(size);
    for id in &chosen {
        let (token, standing) = support::device_signed_in(db, id).await;
        assert_eq!(standing, devices::Standing::Active);
        seats.push(Seat {
            attempt: id.clone(),
            client: browser_with(&token),
        });
    }
    (session.id, seats)
}

impl Seat {
    /// The page at `path` of the server at `address`, as this candidate's browser gets it.
    pub async fn page(&self, address: &str, path: &str) -> String {
        self.client
            .get(format!("{address}{path}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

/// A browser-like client (cookies kept, redirects not followed) signed in with `token`.
fn browser_with(token: &str) -> reqwest::Client {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("sathach_exam={token}; Path=/"),
        &"http://127.0.0.1/".parse().unwrap(),
    );
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}
