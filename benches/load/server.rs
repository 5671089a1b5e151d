//! The server under load: the real `sathach serve` binary as a child process on a port chosen
//! here (so a restart comes back on the same address), its readiness (`/healthz`), its memory
//! (`VmRSS`, `VmHWM` from /proc), and killing it (SIGKILL); or several such nodes on one
//! PostgreSQL database behind nginx (a `Fleet`).

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::Context;
use sathach::config::Settings;

use super::balancer::{Balancer, nginx_binary};

pub struct Server {
    child: Child,
    pub address: String,
    port: u16,
    binary: String,
    workers: Option<usize>,
    /// Environment for the child: a node name, the shared server key.
    env: Vec<(String, String)>,
}

/// Resident memory of the server in kB: now, and the peak since it started.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    pub rss_kb: u64,
    pub peak_kb: u64,
}

impl Server {
    /// Starts `binary serve` on the settings' data folder and database, on a free port.
    pub fn start(
        binary: &str,
        settings: &Settings,
        workers: Option<usize>,
    ) -> anyhow::Result<Self> {
        Self::start_with(binary, settings, workers, Vec::new())
    }

    /// As `start`, with these environment variables.
    fn start_with(
        binary: &str,
        settings: &Settings,
        workers: Option<usize>,
        env: Vec<(String, String)>,
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        Ok(Server {
            child: spawn(binary, settings, port, workers, &env)?,
            address: format!("http://127.0.0.1:{port}"),
            port,
            binary: binary.to_string(),
            workers,
            env,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until `/healthz` answers 200; how long that took.
    pub async fn ready(&mut self, within: Duration) -> anyhow::Result<Duration> {
        let client = reqwest::Client::new();
        let began = Instant::now();
        let url = format!("{}/healthz", self.address);
        while began.elapsed() < within {
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!("the server exited ({status}); see its log");
            }
            if let Ok(res) = client.get(&url).send().await
                && res.status().is_success()
            {
                return Ok(began.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        anyhow::bail!("the server was not ready within {within:?}")
    }

    pub fn memory(&self) -> Memory {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        let kb = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        Memory {
            rss_kb: kb("VmRSS:"),
            peak_kb: kb("VmHWM:"),
        }
    }

    /// SIGKILL, as a crash or a pulled plug would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills the server and starts it again on the same port, data folder and database.
    pub fn restart(&mut self, settings: &Settings) -> anyhow::Result<()> {
        self.kill();
        self.child = spawn(&self.binary, settings, self.port, self.workers, &self.env)?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn(
    binary: &str,
    settings: &Settings,
    port: u16,
    workers: Option<usize>,
    env: &[(String, String)],
) -> anyhow::Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(settings.data_dir.join("server.log"))?;
    let mut command = Command::new(binary);
    command
        .arg("--database-url")
        .arg(settings.database_url.expose())
        .arg("--data-dir")
        .arg(&settings.data_dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(&settings.data_dir)
        .env_remove("SATHACH_CONFIG")
        .env_remove("SATHACH_DATA_DIR")
        .env_remove("SATHACH_LISTEN")
        // The server's log level: warnings, unless SATHACH_LOAD_SERVER_LOG asks for more
        // (e.g. `sqlx::query=debug` for every statement and its time).
        .env(
            "RUST_LOG",
            std::env::var("SATHACH_LOAD_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log));
    if let Some(workers) = workers {
        command.args(["--workers", &workers.to_string()]);
    }
    Ok(command.spawn()?)
}

/// The nodes under load: one `sathach serve` reached directly, or `nodes` of them on one
/// PostgreSQL database behind nginx, named `node-1`… and sharing the server key through their
/// configuration as the README says.
pub struct Fleet {
    nodes: Vec<Server>,
    balancer: Option<Balancer>,
}

impl Fleet {
    /// Starts the nodes one after another (each ready before the next), then nginx for up to
    /// `clients` connections when `behind_nginx`.
    pub async fn start(
        binary: &str,
        settings: &Settings,
        workers: Option<usize>,
        behind_nginx: Option<usize>,
        clients: usize,
    ) -> anyhow::Result<Fleet> {
        let Some(count) = behind_nginx else {
            let mut node = Server::start(binary, settings, workers)?;
            node.ready(Duration::from_secs(120)).await?;
            return Ok(Fleet {
                nodes: vec![node],
                balancer: None,
            });
        };
        let nginx = nginx_binary().context(
            "nginx is missing: install it (Debian: apt-get install nginx-light) to run nodes \
             behind a balancer",
        )?;
        let key = std::fs::read_to_string(settings.data_dir.join(sathach::db::KEY_FILE))
            .context("the server key file that preparing the roster wrote")?;
        let mut nodes = Vec::with_capacity(count);
        for i in 1..=count {
            let env = vec![
                ("SATHACH_NODE_NAME".to_string(), format!("node-{i}")),
                ("SATHACH_SERVER_KEY".to_string(), key.trim().to_string()),
            ];
            let mut node = Server::start_with(binary, settings, workers, env)?;
            node.ready(Duration::from_secs(120)).await?;
            nodes.push(node);
        }
        let upstreams: Vec<&str> = nodes.iter().map(|n| n.address.as_str()).collect();
        let mut balancer = Balancer::start(&nginx, &upstreams, clients)?;
        balancer.ready().await?;
        Ok(Fleet {
            nodes,
            balancer: Some(balancer),
        })
    }

    /// Where candidates send their requests.
    pub fn address(&self) -> &str {
        match &self.balancer {
            Some(b) => &b.address,
            None => &self.nodes[0].address,
        }
    }

    /// "one node" or "2 nodes behind nginx".
    pub fn describe(&self) -> String {
        match (&self.balancer, self.nodes.len()) {
            (None, _) => "one node".into(),
            (Some(_), 1) => "1 node behind nginx".into(),
            (Some(_), n) => format!("{n} nodes behind nginx"),
        }
    }

    /// The nodes' memory added up.
    pub fn memory(&self) -> Memory {
        self.nodes
            .iter()
            .map(Server::memory)
            .fold(Memory::default(), |a, m| Memory {
                rss_kb: a.rss_kb + m.rss_kb,
                peak_kb: a.peak_kb + m.peak_kb,
            })
    }

    /// The first node, killed and started again (the `restart` scenario has one node).
    pub fn first(&mut self) -> &mut Server {
        &mut self.nodes[0]
    }
}
