//! Observability: one log line per request (method, route, status, latency, request id) and
//! Prometheus metrics (requests and latency by route, database pool state).

use std::time::Instant;

use actix_web::{
    Error, HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    web,
};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

use super::AppState;

/// The request id, also sent back in `X-Request-Id`.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The metrics of one server process.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "sathach_http_requests_total",
                "HTTP requests by method, route and status",
            ),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "sathach_http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )
        .expect("valid metric");
        let pool = IntGaugeVec::new(
            Opts::new(
                "sathach_db_pool_connections",
                "Database pool connections by pool and state",
            ),
            &["pool", "state"],
        )
        .expect("valid metric");
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(pool.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric registered once");
        }
        Self {
            registry,
            requests,
            latency,
            pool,
        }
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// The Prometheus text exposition, with the pool gauges read now.
    pub fn render(&self, db: &crate::db::Db) -> String {
        for (name, pool) in [("read", &db.read), ("write", &db.write)] {
            let idle = pool.num_idle() as i64;
            let size = i64::from(pool.size());
            self.pool.with_label_values(&[name, "idle"]).set(idle);
            self.pool
                .with_label_values(&[name, "in_use"])
                .set(size - idle);
            self.pool
                .with_label_values(&[name, "max"])
                .set(i64::from(pool.options().get_max_connections()));
        }
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("text encoding");
        String::from_utf8(out).expect("Prometheus text is UTF-8")
    }
}

/// Middleware: times the request, logs one line, counts it by route.
pub async fn log_and_measure(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().simple().to_string();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().to_string();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let result = next.call(req).await;
    let elapsed = started.elapsed();
    let (status, route) = match &result {
        Ok(res) => (res.status().as_u16(), res.request().match_pattern()),
        Err(e) => (e.as_response_error().status_code().as_u16(), None),
    };
    let route = route.unwrap_or_else(|| "(unmatched)".to_string());
    let latency_ms = (elapsed.as_secs_f64() * 10_000.0).round() / 10.0;
    tracing::info!(method, route, status, latency_ms, request_id, "request");
    if let Some(state) = state {
        state
            .metrics
            .observe(&method, &route, status, elapsed.as_secs_f64());
    }
    result.map(|mut res| {
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            res.headers_mut()
                .insert(HeaderName::from_static("x-request-id"), value);
        }
        res
    })
}
