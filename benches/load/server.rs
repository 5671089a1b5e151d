//! The server under load: the real `sathach serve` binary as a child process on a port chosen
//! here (so a restart comes back on the same address), its readiness (`/healthz`), its memory
//! (`VmRSS`, `VmHWM` from /proc), and killing it (SIGKILL).

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use sathach::config::Settings;

pub struct Server {
    child: Child,
    pub address: String,
    port: u16,
    binary: String,
    workers: Option<usize>,
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
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = spawn(binary, settings, port, workers)?;
        Ok(Server {
            child,
            address: format!("http://127.0.0.1:{port}"),
            port,
            binary: binary.to_string(),
            workers,
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
        self.child = spawn(&self.binary, settings, self.port, self.workers)?;
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
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log));
    if let Some(workers) = workers {
        command.args(["--workers", &workers.to_string()]);
    }
    Ok(command.spawn()?)
}
