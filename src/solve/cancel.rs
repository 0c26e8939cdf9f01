//! Stopping a running HiGHS solve from outside: a flag anyone holding a clone can raise, and
//! an optional deadline. HiGHS polls both through its interrupt callbacks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A cancellation token shared between the caller and every solve it starts. Clones share
/// the flag; the deadline is copied.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
    deadline: Option<Instant>,
}

impl Cancel {
    /// A token that stops everything once `deadline` has passed (or when raised).
    pub fn with_deadline(deadline: Instant) -> Cancel {
        Cancel { flag: Arc::default(), deadline: Some(deadline) }
    }

    /// Stops every solve that holds this token (or a clone of it).
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// The same flag with a deadline `seconds` from now, unless this token's own is sooner:
    /// one time limit for a sequence of solves.
    pub fn within(&self, seconds: Option<f64>) -> Cancel {
        let limit = seconds.and_then(|s| Instant::now().checked_add(Duration::try_from_secs_f64(s).ok()?));
        let deadline = match (self.deadline, limit) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Cancel { flag: Arc::clone(&self.flag), deadline }
    }

    /// Raised by `cancel`.
    pub fn is_raised(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    pub fn deadline_passed(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Raised, or past its deadline: nothing more should start.
    pub fn is_cancelled(&self) -> bool {
        self.is_raised() || self.deadline_passed()
    }

    /// Time left before the deadline (`None`: no deadline).
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline.map(|d| d.saturating_duration_since(Instant::now()))
    }

    /// The tighter of a time limit in seconds and the time left before the deadline.
    pub fn limit_seconds(&self, time_limit: Option<f64>) -> Option<f64> {
        match (time_limit, self.remaining()) {
            (Some(t), Some(r)) => Some(t.min(r.as_secs_f64())),
            (t, r) => t.or(r.map(|r| r.as_secs_f64())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_flag_and_the_tighter_limit_applies() {
        let a = Cancel::default();
        let b = a.clone();
        assert!(!b.is_cancelled());
        a.cancel();
        assert!(b.is_cancelled() && b.is_raised());

        let c = Cancel::with_deadline(Instant::now() + Duration::from_secs(1));
        assert!(!c.is_cancelled());
        assert!(c.limit_seconds(Some(60.0)).is_some_and(|t| t <= 1.0));
        assert_eq!(Cancel::default().limit_seconds(Some(60.0)), Some(60.0));
        assert_eq!(Cancel::default().limit_seconds(None), None);
        assert!(Cancel::with_deadline(Instant::now()).is_cancelled());
    }

    #[test]
    fn within_shares_the_flag_and_keeps_the_sooner_deadline() {
        let a = Cancel::default();
        let b = a.within(Some(3600.0));
        assert!(b.remaining().is_some_and(|r| r <= Duration::from_secs(3600)));
        a.cancel();
        assert!(b.is_raised());
        let soon = Cancel::with_deadline(Instant::now() + Duration::from_secs(1));
        assert!(soon.within(Some(3600.0)).remaining().is_some_and(|r| r <= Duration::from_secs(1)));
        assert_eq!(Cancel::default().within(None).deadline(), None);
    }
}
