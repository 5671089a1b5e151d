//! Running one check: the child is spawned with a clean environment, limited (RLIMIT_AS, CPU,
//! STACK, CORE) before it is given a single byte of the upload, fed on stdin, read on stdout
//! up to a cap, and killed when the wall-clock timeout passes or the server drops the check.

use std::process::Stdio;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use super::{CheckFailed, CheckerSettings};

/// What is kept of a child's stderr, to tell an allocation failure from a stack overflow.
const STDERR_KEPT: usize = 16 * 1024;

/// Runs `program ARGS` on `input`; its stdout when it succeeded.
pub(super) async fn run(
    settings: &CheckerSettings,
    output_cap: usize,
    args: &[&str],
    input: &[u8],
) -> Result<Vec<u8>, CheckFailed> {
    let mut child = tokio::process::Command::new(&settings.program)
        .args(args)
        .env_clear()
        // The allocator (mimalloc) reserves address space 1 GiB at a time by default, more
        // than the child's RLIMIT_AS allows: it reserves in small steps instead.
        .env("MIMALLOC_ARENA_RESERVE", "8MiB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| CheckFailed::Start(format!("{}: {e}", settings.program.display())))?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        unreachable!("the three pipes were asked for");
    };
    // The child blocks on stdin until fed, so it reads no upload byte before it is limited.
    if let Err(e) = limit(child.id(), settings) {
        let _ = child.start_kill();
        let _ = child.wait().await;
        return Err(CheckFailed::Start(format!("limits not applied: {e}")));
    }
    let feed = async move {
        // A child that stops reading (it died) ends the feed; its status says why.
        let _ = stdin.write_all(input).await;
    };
    let checked = async {
        let (_, output, errors) = tokio::join!(
            feed,
            read_up_to(stdout, output_cap + 1),
            keep_head(stderr, STDERR_KEPT)
        );
        (output, errors, child.wait().await)
    };
    let outcome = tokio::time::timeout(settings.timeout, checked).await;
    let (output, errors, status) = match outcome {
        Ok(done) => done,
        Err(_) => {
            let _ = child.start_kill();
            let _ = child.wait().await;
            return Err(CheckFailed::TimedOut);
        }
    };
    if output.len() > output_cap {
        return Err(CheckFailed::TooLarge(output_cap));
    }
    let status = status.map_err(|e| CheckFailed::Start(e.to_string()))?;
    if !status.success() {
        return Err(CheckFailed::from_exit(
            status,
            &String::from_utf8_lossy(&errors),
        ));
    }
    Ok(output)
}

/// Reads at most `cap` bytes, then drops the pipe (a child writing more then fails and exits).
async fn read_up_to(pipe: impl AsyncRead + Unpin, cap: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = pipe.take(cap as u64).read_to_end(&mut out).await;
    out
}

/// Reads a pipe to its end, keeping its first `kept` bytes.
async fn keep_head(mut pipe: impl AsyncRead + Unpin, kept: usize) -> Vec<u8> {
    let (mut out, mut buf) = (Vec::new(), [0u8; 4096]);
    while let Ok(n) = pipe.read(&mut buf).await {
        if n == 0 {
            break;
        }
        let room = kept.saturating_sub(out.len()).min(n);
        out.extend_from_slice(&buf[..room]);
    }
    out
}

/// Applies the limits to the running child (Linux `prlimit`): the CPU limit's soft value sends
/// SIGXCPU, its hard value two seconds later SIGKILL.
#[cfg(target_os = "linux")]
fn limit(pid: Option<u32>, settings: &CheckerSettings) -> std::io::Result<()> {
    use rlimit::{Resource, prlimit};
    let pid = pid
        .and_then(|pid| i32::try_from(pid).ok())
        .ok_or_else(|| std::io::Error::other("the child has already ended"))?;
    let cpu = settings.cpu_seconds.max(1);
    prlimit(pid, Resource::CORE, Some((0, 0)), None)?;
    prlimit(
        pid,
        Resource::STACK,
        Some((settings.stack_bytes, settings.stack_bytes)),
        None,
    )?;
    prlimit(pid, Resource::CPU, Some((cpu, cpu + 2)), None)?;
    prlimit(
        pid,
        Resource::AS,
        Some((settings.memory_bytes, settings.memory_bytes)),
        None,
    )
}

/// Elsewhere only the wall-clock timeout and the output cap apply.
#[cfg(not(target_os = "linux"))]
fn limit(_pid: Option<u32>, _settings: &CheckerSettings) -> std::io::Result<()> {
    tracing::warn!("upload checks run without memory and CPU limits on this system");
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn shell(timeout_ms: u64) -> CheckerSettings {
        CheckerSettings {
            program: "/bin/sh".into(),
            timeout: Duration::from_millis(timeout_ms),
            ..CheckerSettings::default()
        }
    }

    #[tokio::test]
    async fn the_child_reads_the_upload_on_stdin_and_answers_on_stdout() {
        let out = run(&shell(5_000), 1024, &["-c", "tr a-z A-Z"], b"bank")
            .await
            .unwrap();
        assert_eq!(out, b"BANK");
    }

    #[tokio::test]
    async fn output_past_the_cap_is_refused() {
        let failed = run(&shell(5_000), 1000, &["-c", "head -c 5000 /dev/zero"], b"")
            .await
            .unwrap_err();
        assert_eq!(failed, CheckFailed::TooLarge(1000));
    }

    #[tokio::test]
    async fn a_child_past_the_timeout_is_killed() {
        let started = Instant::now();
        let failed = run(&shell(300), 1024, &["-c", "sleep 30"], b"")
            .await
            .unwrap_err();
        assert_eq!(failed, CheckFailed::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[tokio::test]
    async fn a_failing_child_is_named_by_its_exit() {
        let failed = run(&shell(5_000), 1024, &["-c", "exit 3"], b"")
            .await
            .unwrap_err();
        assert_eq!(failed, CheckFailed::Exit(3));
        let mut missing = shell(5_000);
        missing.program = "/nonexistent/sathach".into();
        let failed = run(&missing, 1024, &[], b"").await.unwrap_err();
        assert!(matches!(failed, CheckFailed::Start(_)), "{failed:?}");
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_limits_are_in_force_in_the_child() {
        let settings = CheckerSettings {
            memory_bytes: 300 * 1024 * 1024,
            cpu_seconds: 7,
            ..shell(5_000)
        };
        // Read from stdin first: the limits are applied before the upload is fed.
        let script = "cat >/dev/null; ulimit -v; ulimit -t; ulimit -s; ulimit -c";
        let out = run(&settings, 1024, &["-c", script], b"x").await.unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "307200\n7\n8192\n0\n");
    }
}
