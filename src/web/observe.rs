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

use tracing::{Instrument, field::Empty};

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

/// Middleware: runs the request inside a `request` span (request id, method, route pattern, and
/// the session and attempt ids its path names; the candidate's extractor adds the attempt id),
/// so every line logged while handling it carries them; then logs one line, counts it by route.
pub async fn log_and_measure(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().simple().to_string();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = method_label(req.method()).to_string();
    let route = req
        .request()
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_string());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %method,
        route = %route,
        session.id = Empty,
        attempt.id = Empty,
    );
    if let Some(id) =
        path_parameter(&route, req.path(), "{id}").filter(|_| route.starts_with("/sessions/{id}"))
    {
        span.record("session.id", id);
    }
    if let Some(id) = path_parameter(&route, req.path(), "{attempt}") {
        span.record("attempt.id", id);
    }
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    let latency_ms = (elapsed.as_secs_f64() * 10_000.0).round() / 10.0;
    span.in_scope(|| tracing::info!(status, latency_ms, "request"));
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

/// The method as a metrics label: the methods the app serves by name, anything else "other",
/// so a client inventing method names cannot add label values (and memory) for ever.
fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The path segment standing where `pattern` has the segment `name` (`{id}`), if any.
fn path_parameter<'a>(pattern: &str, path: &'a str, name: &str) -> Option<&'a str> {
    let at = pattern.split('/').position(|segment| segment == name)?;
    path.split('/').nth(at).filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::path_parameter;

    #[test]
    fn path_parameters_are_read_by_the_route_pattern() {
        let pattern = "/sessions/{id}/attempts/{attempt}/{action}";
        let path = "/sessions/s-1/attempts/a-2/pause";
        assert_eq!(path_parameter(pattern, path, "{id}"), Some("s-1"));
        assert_eq!(path_parameter(pattern, path, "{attempt}"), Some("a-2"));
        assert_eq!(path_parameter("/thi/q/{n}", "/thi/q/3", "{id}"), None);
        assert_eq!(path_parameter("/sessions/{id}", "/sessions/", "{id}"), None);
    }
}
