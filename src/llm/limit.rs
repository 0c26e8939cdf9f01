//! Requests-per-minute and tokens-per-minute limits over a sliding 60-second window, shared by
//! every task of a run (providers throttle on both).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct Limits {
    pub rpm: Option<u32>,
    pub tpm: Option<u64>,
    /// (when, tokens) of requests in the window; tokens are filled in when the answer comes.
    log: Mutex<VecDeque<(Instant, u64)>>,
}

impl Limits {
    pub fn new(rpm: Option<u32>, tpm: Option<u64>) -> Limits {
        Limits { rpm, tpm, log: Mutex::new(VecDeque::new()) }
    }

    /// How long to wait at `now` before another request may start.
    fn wait_at(&self, now: Instant) -> Duration {
        let mut log = self.log.lock().expect("not poisoned");
        while log.front().is_some_and(|(t, _)| now.duration_since(*t) >= WINDOW) {
            log.pop_front();
        }
        let oldest_expiry = |log: &VecDeque<(Instant, u64)>| {
            log.front().map_or(Duration::ZERO, |(t, _)| WINDOW - now.duration_since(*t))
        };
        if self.rpm.is_some_and(|r| log.len() as u64 >= u64::from(r)) {
            return oldest_expiry(&log);
        }
        if self.tpm.is_some_and(|t| log.iter().map(|(_, n)| n).sum::<u64>() >= t) {
            return oldest_expiry(&log);
        }
        Duration::ZERO
    }

    /// Waits for a free slot in the window and records the request.
    pub async fn acquire(&self) {
        if self.rpm.is_none() && self.tpm.is_none() {
            return;
        }
        loop {
            let wait = self.wait_at(Instant::now());
            if wait.is_zero() {
                self.log.lock().expect("not poisoned").push_back((Instant::now(), 0));
                return;
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// Charges the tokens of an answer to the latest request of the window.
    pub fn used(&self, tokens: u64) {
        if let Some(last) = self.log.lock().expect("not poisoned").back_mut() {
            last.1 += tokens;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_tokens_per_minute_slide() {
        let l = Limits::new(Some(2), Some(100));
        let t0 = Instant::now();
        assert_eq!(l.wait_at(t0), Duration::ZERO);
        l.log.lock().unwrap().push_back((t0, 30));
        l.log.lock().unwrap().push_back((t0 + Duration::from_secs(10), 30));
        // Two requests in the window: the third waits until the first leaves it.
        assert_eq!(l.wait_at(t0 + Duration::from_secs(20)), Duration::from_secs(40));
        assert_eq!(l.wait_at(t0 + Duration::from_secs(61)), Duration::ZERO);
        let t = Limits::new(None, Some(100));
        t.log.lock().unwrap().push_back((t0, 120));
        assert_eq!(t.wait_at(t0 + Duration::from_secs(5)), Duration::from_secs(55));
    }
}
