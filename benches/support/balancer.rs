//! nginx as a child process in front of several sathach nodes, configured as the README's
//! "Several nodes" section says (`proxy_next_upstream error timeout http_502 non_idempotent`,
//! `proxy_connect_timeout 1s`), on a free port of 127.0.0.1: for the two-node test and the load
//! harness's `--nodes`.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A running nginx; dropping it stops nginx and removes its folder.
pub struct Balancer {
    child: Child,
    pub address: String,
    dir: tempfile::TempDir,
}

/// nginx's binary, where Debian's packages put it.
pub fn nginx_binary() -> Option<String> {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(str::to_string)
}

/// The configuration: `upstreams` are the nodes' `http://host:port` addresses; `connections`
/// is how many clients may be connected at once (each also holds one connection to a node).
fn config(dir: &std::path::Path, port: u16, upstreams: &[&str], connections: usize) -> String {
    let servers: String = upstreams
        .iter()
        .map(|u| {
            let host = u.trim_start_matches("http://");
            format!("        server {host} max_fails=1 fail_timeout=30s;\n")
        })
        .collect();
    let d = dir.display();
    let per_worker = 2 * connections + 64;
    format!(
        "daemon off;\nworker_processes auto;\nworker_rlimit_nofile {files};\npid {d}/nginx.pid;\n\
         error_log {d}/error.log;\n\
         events {{ worker_connections {per_worker}; }}\n\
         http {{\n    access_log off;\n\
         client_body_temp_path {d}/body;\n    proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n    uwsgi_temp_path {d}/uwsgi;\n    scgi_temp_path {d}/scgi;\n\
         upstream sathach {{\n{servers}        keepalive 64;\n    }}\n\
         server {{\n        listen 127.0.0.1:{port} backlog=4096;\n        location / {{\n\
         proxy_pass http://sathach;\n            proxy_http_version 1.1;\n\
         proxy_set_header Connection \"\";\n            proxy_set_header Host $http_host;\n\
         proxy_set_header X-Forwarded-For $remote_addr;\n\
         proxy_next_upstream error timeout http_502 non_idempotent;\n\
         proxy_connect_timeout 1s;\n            proxy_read_timeout 30s;\n        }}\n    }}\n}}\n",
        files = 2 * per_worker + 64,
    )
}

impl Balancer {
    /// Starts nginx in front of `upstreams` for up to `connections` clients at once.
    pub fn start(nginx: &str, upstreams: &[&str], connections: usize) -> anyhow::Result<Balancer> {
        let dir = tempfile::tempdir()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, config(dir.path(), port, upstreams, connections))?;
        let child = Command::new(nginx)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        Ok(Balancer {
            child,
            address: format!("http://127.0.0.1:{port}"),
            dir,
        })
    }

    /// Waits until `/healthz` answers 200 through nginx.
    pub async fn ready(&mut self) -> anyhow::Result<()> {
        let began = Instant::now();
        let url = format!("{}/healthz", self.address);
        while reqwest::get(&url)
            .await
            .map_or(true, |r| !r.status().is_success())
        {
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!("nginx exited ({status}); see {}", self.error_log());
            }
            anyhow::ensure!(
                began.elapsed() < Duration::from_secs(10),
                "nginx is not ready after 10 s; see {}",
                self.error_log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    fn error_log(&self) -> String {
        self.dir.path().join("error.log").display().to_string()
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
