//! Builds the web application: state, middleware and every domain's routes, bound to a
//! listener (port 0 in tests), with graceful shutdown on SIGINT and SIGTERM.

use std::{
    net::{SocketAddr, TcpListener},
    sync::Arc,
};

use actix_web::{
    App, HttpServer,
    dev::Server,
    http::StatusCode,
    middleware::{DefaultHeaders, ErrorHandlers, from_fn},
    web,
};
use anyhow::Context;

use crate::{
    accounts, attempts,
    attempts::{liveness::Node, seen::LastSeen},
    banks, blueprints,
    config::Settings,
    db::Db,
    exam, orgs, people,
    serve_lock::ServeLock,
    sessions,
    web::{AppError, AppState, assets, csrf, error::render_error_page, observe, outage, system},
};

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    address: SocketAddr,
    db: Db,
    grace_ms: i64,
    node: Node,
    /// This node's sightings of candidates' pages, written by its background flush.
    seen: Arc<LastSeen>,
    /// Held until the server stops (SQLite: one `serve` per database).
    _lock: Option<ServeLock>,
}

impl Application {
    /// Takes the database's serve lock (SQLite), then builds as `build_locked`.
    pub async fn build(settings: Settings, db: Db) -> anyhow::Result<Self> {
        let lock = ServeLock::acquire(&settings)?;
        Self::build_locked(settings, db, lock).await
    }

    /// Binds the listener and assembles the app, holding `lock` until the server stops;
    /// attempts left running by an earlier instance are paused first. Nothing is served until
    /// `run_until_stopped`.
    pub async fn build_locked(
        settings: Settings,
        db: Db,
        lock: Option<ServeLock>,
    ) -> anyhow::Result<Self> {
        let secret = server_secret(&db).await?;
        crate::nodes::check_shared_keys(&db, &settings.node_name).await?;
        crate::keys::ensure_all(&db).await?;
        let node = Node::start(&settings.node_name);
        attempts::restart::pause_after_restart(&db, &node.name, node.started_at)
            .await
            .context("cannot pause the attempts that were running before the restart")?;
        crate::results::backfill::after_upgrade(&db).await?;
        let listener = TcpListener::bind(&settings.listen).with_context(|| {
            format!(
                "cannot listen on {}; is another program using that port? choose another with --listen",
                settings.listen
            )
        })?;
        let address = listener.local_addr()?;
        let workers = settings.workers;
        let grace_ms = settings.grace_seconds * 1000;
        let state = web::Data::new(AppState::new(db.clone(), settings, secret));
        let seen = state.seen.clone();
        let mut server = HttpServer::new(move || {
            // Called on each HTTP worker's thread as it starts.
            crate::web::priority::lower_this_http_worker();
            App::new()
                .app_data(state.clone())
                .app_data(web::FormConfig::default().limit(256 * 1024))
                .configure(system::routes)
                // The candidates' routes come first: they take most requests on an exam day,
                // and the router tries routes in this order.
                .configure(exam::pages::routes)
                .configure(assets::routes)
                .configure(accounts::routes)
                .configure(orgs::routes)
                .configure(crate::keys::routes)
                .configure(banks::pages::routes)
                .configure(blueprints::pages::routes)
                .configure(people::routes)
                .configure(sessions::routes)
                .configure(crate::results::practical_page::routes)
                .configure(crate::results::candidate::routes)
                .configure(crate::results::score_report::routes)
                .configure(crate::results::session::routes)
                .configure(crate::results::report::routes)
                .configure(crate::results::person::routes)
                .configure(crate::results::regrade::pages::routes)
                .configure(crate::analysis::routes)
                .configure(crate::credits::pages::routes)
                .configure(crate::credentials::routes)
                .configure(crate::api::routes)
                .default_service(web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(AppError::NotFound)
                }))
                .wrap(from_fn(csrf::guard))
                .wrap(from_fn(outage::guard))
                .wrap(
                    ErrorHandlers::new()
                        .default_handler(render_error_page)
                        .handler(StatusCode::SEE_OTHER, render_error_page),
                )
                .wrap(security_headers())
                .wrap(from_fn(observe::log_and_measure))
        })
        .listen(listener)?
        .shutdown_timeout(30);
        if let Some(workers) = workers {
            server = server.workers(workers.max(1));
        }
        Ok(Self {
            server: server.run(),
            address,
            db,
            grace_ms,
            node,
            seen,
            _lock: lock,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// A handle to stop the server (tests restart it on the same database).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM, lets in-flight requests finish, then closes the database
    /// and releases its lock. The node's heartbeat, sweeps, last-seen flush and regrading run
    /// alongside, and stop with the server (the last-seen times held are written once more first).
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tracing::info!(node.name = %self.node.name, node.instance = %self.node.instance, "node started");
        tokio::select! {
            served = self.server => served.context("the web server stopped with an error")?,
            () = attempts::liveness::run(self.db.clone(), self.node.clone(), self.grace_ms) => {}
            () = crate::db::watch_reachability(self.db.clone()) => {}
            () = attempts::seen::run(self.db.clone(), self.seen.clone()) => {}
            () = crate::results::regrade::run(self.db.clone()) => {}
            () = crate::analysis::run(self.db.clone()) => {}
        }
        if let Err(e) = attempts::seen::flush(&self.db, &self.seen).await {
            tracing::warn!(error = %e, "cannot write the candidates' last-seen times on stopping");
        }
        if let Err(e) =
            crate::nodes::mark_stopped(&self.db, &self.node, crate::clock::now_ms()).await
        {
            tracing::warn!(error = %e, "cannot record that this node stops");
        }
        tracing::info!("server stopped; closing the database");
        self.db.close().await;
        Ok(())
    }
}

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ))
}

/// The server's HMAC key: from configuration or the key file, never the database (see
/// `server_key`); moved out of the database on the first start after the upgrade.
pub async fn server_secret(db: &Db) -> anyhow::Result<Vec<u8>> {
    crate::server_key::load(db).await
}
