//! The client's address: the TCP peer, or, when the peer is a configured trusted proxy, the
//! address that proxy names in its header. Sign-in throttles count by it.

use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::config::ProxySettings;

/// The address sign-in throttles and logs attribute this request to.
pub fn client_addr(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let proxy = &super::chrome::state(req).settings.proxy;
    let header = req
        .headers()
        .get(proxy.header.as_str())
        .and_then(|v| v.to_str().ok());
    resolve(peer, header, proxy).map_or_else(String::new, |ip| ip.to_string())
}

/// The peer, unless it is a trusted proxy that names a client. In `X-Forwarded-For` (and
/// `Forwarded`) each proxy appends the address it received from, so the right-most address
/// that is not itself a trusted proxy is the one no client could have forged.
pub fn resolve(
    peer: Option<IpAddr>,
    header: Option<&str>,
    proxy: &ProxySettings,
) -> Option<IpAddr> {
    let peer = peer?;
    if !proxy.trusted.contains(&peer) {
        return Some(peer);
    }
    let Some(header) = header else {
        return Some(peer);
    };
    let named = header
        .split(',')
        .rev()
        .filter_map(parse_entry)
        .find(|ip| !proxy.trusted.contains(ip));
    Some(named.unwrap_or(peer))
}

/// One entry: `203.0.113.5`, `[2001:db8::1]:443`, `203.0.113.5:5000` or `for=…;proto=https`.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let value = entry
        .split(';')
        .find_map(|part| {
            let (key, value) = part.trim().split_once('=')?;
            key.trim().eq_ignore_ascii_case("for").then_some(value)
        })
        .unwrap_or(entry)
        .trim()
        .trim_matches('"');
    if let Ok(ip) = value.parse() {
        return Some(ip);
    }
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    value.rsplit_once(':')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy() -> ProxySettings {
        ProxySettings {
            trusted: vec!["127.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()],
            header: "X-Forwarded-For".into(),
        }
    }

    #[test]
    fn only_a_trusted_peer_names_the_client() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let p = proxy();
        let forged = Some("6.6.6.6");
        assert_eq!(
            resolve(Some(ip("198.51.100.7")), forged, &p),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            resolve(Some(ip("127.0.0.1")), Some("203.0.113.5"), &p),
            Some(ip("203.0.113.5"))
        );
        // A client's own forged entry sits left of what the proxies appended.
        let chain = Some("6.6.6.6, 203.0.113.5, 10.0.0.2");
        assert_eq!(
            resolve(Some(ip("127.0.0.1")), chain, &p),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(
            resolve(Some(ip("127.0.0.1")), None, &p),
            Some(ip("127.0.0.1"))
        );
        assert_eq!(
            resolve(Some(ip("127.0.0.1")), Some("garbage"), &p),
            Some(ip("127.0.0.1"))
        );
        let fwd = Some("for=\"[2001:db8::1]:443\";proto=https");
        assert_eq!(
            resolve(Some(ip("127.0.0.1")), fwd, &p),
            Some(ip("2001:db8::1"))
        );
    }
}
