//! The HTTP workers yield the processor to the database's side: on a node whose cores are all
//! busy serving pages, a write transaction (a batch of saves, a sign-in, a start) would wait
//! for a time slice at each of its statements and hold SQLite's one writer meanwhile, so every
//! other write would wait too. Each HTTP worker thread lowers its own scheduling priority a
//! little (`nice` +5, Linux); the writer's runtime and SQLite's threads keep the normal one.
//! Pages still get all the processor the writes leave.

/// How much lower an HTTP worker's priority is (`nice` steps; 0 is normal, 19 the lowest).
pub const HTTP_WORKER_NICENESS: i32 = 5;

/// Lowers the calling thread's priority to `HTTP_WORKER_NICENESS`, once per thread; where the
/// system does not allow it, the thread keeps its priority and a warning is logged.
pub fn lower_this_http_worker() {
    thread_local! {
        static LOWERED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if LOWERED.replace(true) {
        return;
    }
    // On Linux a thread id names one thread for `setpriority`.
    #[cfg(target_os = "linux")]
    {
        let thread = rustix::thread::gettid();
        if let Err(error) = rustix::process::setpriority_process(Some(thread), HTTP_WORKER_NICENESS)
        {
            tracing::warn!(%error, "cannot lower an HTTP worker's priority");
        }
    }
}
